import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ClientFactory, ConnectionAborted, ConnectionDone, type IProtocol, type IReactorTime } from "@torsion/core";
import { Clock, connectedServerAndClient, pumpIdle, pumpUntil, type FakeTransport } from "@torsion/testing";
import {
  CLOSE_TIMEOUT_SECONDS,
  Certificate,
  CertificateError,
  CertificateOptions,
  optionsForClientTLS,
  TLSMemoryBIOFactory,
  TLSHandshakeError,
  trustRootFromCertificates,
} from "@torsion/tls";
import { TLSRecorder } from "./helpers.js";
import { haveOpenSSL, testPKI } from "./test-certificates.js";

const skip = haveOpenSSL() || process.env.CI === "true" ? false : "the openssl CLI is not installed (scripts/install-test-deps.sh)";

class One extends ClientFactory {
  constructor(private readonly next: IProtocol) {
    super();
  }
  override buildProtocol(): IProtocol {
    return this.next;
  }
}

function pair(server: TLSRecorder, client: TLSRecorder, serverCert: "trusted" | "other" = "trusted", clock?: IReactorTime) {
  const pki = testPKI();
  const serverOptions =
    serverCert === "trusted"
      ? new CertificateOptions({ privateKey: pki.serverKey, certificate: pki.serverCert })
      : new CertificateOptions({ privateKey: pki.otherServerKey, certificate: pki.otherServerCert });
  const clientOptions = optionsForClientTLS("localhost", { trustRoot: trustRootFromCertificates([Certificate.loadPEM(pki.caCert)]) });
  const options = clock === undefined ? {} : { clock };
  return connectedServerAndClient(
    new TLSMemoryBIOFactory(serverOptions, false, new One(server), options),
    new TLSMemoryBIOFactory(clientOptions, true, new One(client), options),
  );
}

describe("TLS in memory (no sockets)", { skip }, () => {
  it("connectionMade comes first, writes made in it are sent after the handshake, then handshakeCompleted and data", async () => {
    const server = Object.assign(new TLSRecorder(), { echo: true });
    const client = Object.assign(new TLSRecorder(), { greeting: Buffer.from("early write") });
    const { pump } = pair(server, client);
    assert.deepEqual(client.events, ["connectionMade"], "connectionMade at connect, before the handshake");
    await pumpUntil(pump, () => client.text() === "early write");
    assert.deepEqual(client.events, ["connectionMade", "handshakeCompleted", "data"]);
    assert.deepEqual(server.events, ["connectionMade", "handshakeCompleted", "data"]);
    client.transport.loseConnection();
    await pumpUntil(pump, () => client.reason !== null && server.reason !== null);
    assert.ok(client.reason!.value instanceof ConnectionDone);
    assert.ok(server.reason!.value instanceof ConnectionDone);
  });

  it("an untrusted server certificate fails the client with CertificateError and the server with TLSHandshakeError", async () => {
    const server = new TLSRecorder();
    const client = Object.assign(new TLSRecorder(), { greeting: Buffer.from("never sent in clear") });
    const { pump } = pair(server, client, "other");
    await pumpUntil(pump, () => client.reason !== null && server.reason !== null);
    assert.ok(client.reason!.value instanceof CertificateError, String(client.reason!.value));
    assert.ok(server.reason!.value instanceof TLSHandshakeError, String(server.reason!.value));
    assert.equal(server.received, 0);
    await pumpIdle(pump, 5);
    assert.ok(!client.events.includes("handshakeCompleted"));
  });

  it("loseConnection aborts on the injected clock when the close cannot finish in CLOSE_TIMEOUT_SECONDS (Twisted #7926)", async () => {
    const clock = new Clock();
    const server = new TLSRecorder();
    const client = new TLSRecorder();
    const { pump, server: serverTLS } = pair(server, client, "trusted", clock);
    await pumpUntil(pump, () => client.events.includes("handshakeCompleted") && server.events.includes("handshakeCompleted"));
    // The server stops reading: the client's close_notify is never pumped, so its lower transport cannot close.
    (serverTLS.transport as FakeTransport).pauseProducing();
    client.transport.loseConnection();
    await pumpIdle(pump, 20);
    assert.equal(client.reason, null, "still closing: the peer has not taken the close_notify");
    assert.equal(clock.getDelayedCalls().length, 1, "the close timeout is on the injected clock");
    clock.advance(CLOSE_TIMEOUT_SECONDS - 0.5);
    await pumpIdle(pump, 20);
    assert.equal(client.reason, null, "not aborted before the timeout");
    clock.advance(0.5);
    await pumpUntil(pump, () => client.reason !== null);
    assert.ok(client.reason!.value instanceof ConnectionAborted, String(client.reason!.value));
    assert.equal(clock.getDelayedCalls().length, 0);
  });

  it("a close that finishes cancels its timeout on the injected clock", async () => {
    const clock = new Clock();
    const server = new TLSRecorder();
    const client = new TLSRecorder();
    const { pump } = pair(server, client, "trusted", clock);
    await pumpUntil(pump, () => client.events.includes("handshakeCompleted"));
    client.transport.loseConnection();
    await pumpUntil(pump, () => client.reason !== null && server.reason !== null);
    assert.ok(client.reason!.value instanceof ConnectionDone);
    assert.equal(clock.getDelayedCalls().length, 0, "no close timeout left pending");
  });

  it("getHostCertificate gives the server its own certificate after the handshake (parsed on demand), and a client without one null", async () => {
    const server = new TLSRecorder();
    const client = new TLSRecorder();
    const { pump } = pair(server, client);
    await pumpUntil(pump, () => client.events.includes("handshakeCompleted") && server.events.includes("handshakeCompleted"));
    const serverTLS = server.transport as unknown as { getHostCertificate(): { subject: string } | null };
    assert.match(serverTLS.getHostCertificate()?.subject ?? "", /CN=localhost/);
    assert.equal(serverTLS.getHostCertificate(), serverTLS.getHostCertificate(), "parsed once, then cached");
    assert.match(Certificate.hostFromTransport(server.transport as never).getSubject(), /CN=localhost/);
    assert.equal((client.transport as unknown as { getHostCertificate(): unknown }).getHostCertificate(), null);
    client.transport.loseConnection();
    await pumpUntil(pump, () => client.reason !== null && server.reason !== null);
  });
});
