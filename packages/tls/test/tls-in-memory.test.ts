import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ClientFactory, ConnectionDone, type IProtocol } from "@torsion/core";
import { connectedServerAndClient, pumpIdle, pumpUntil } from "@torsion/testing";
import { Certificate, CertificateError, CertificateOptions, optionsForClientTLS, TLSMemoryBIOFactory, TLSHandshakeError, trustRootFromCertificates } from "@torsion/tls";
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

function pair(server: TLSRecorder, client: TLSRecorder, serverCert: "trusted" | "other" = "trusted") {
  const pki = testPKI();
  const serverOptions = serverCert === "trusted"
    ? new CertificateOptions({ privateKey: pki.serverKey, certificate: pki.serverCert })
    : new CertificateOptions({ privateKey: pki.otherServerKey, certificate: pki.otherServerCert });
  const clientOptions = optionsForClientTLS("localhost", { trustRoot: trustRootFromCertificates([Certificate.loadPEM(pki.caCert)]) });
  return connectedServerAndClient(new TLSMemoryBIOFactory(serverOptions, false, new One(server)), new TLSMemoryBIOFactory(clientOptions, true, new One(client)));
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
    client.transport?.loseConnection();
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
});
