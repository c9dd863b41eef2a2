import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionDone, type IPv4Address } from "@torsion/core";
import { NodeReactor } from "@torsion/reactor";
import {
  Certificate,
  CertificateError,
  CertificateOptions,
  HostnameMismatch,
  NoApplicationProtocol,
  optionsForClientTLS,
  TLSHandshakeError,
  PrivateCertificate,
  TLSError,
  trustRootFromCertificates,
  listenSSL,
  connectSSL,
} from "@torsion/tls";
import { KeepingFactory, pattern, TLSRecorder, waitFor } from "./helpers.js";
import { haveOpenSSL, testPKI } from "./test-certificates.js";

const skip = haveOpenSSL() || process.env.CI === "true" ? false : "the openssl CLI is not installed (scripts/install-test-deps.sh)";
const reactor = new NodeReactor({ installSignalHandlers: false });

function serverOptions(extra: Record<string, unknown> = {}): CertificateOptions {
  const pki = testPKI();
  return new CertificateOptions({ privateKey: pki.serverKey, certificate: pki.serverCert, ...extra });
}

function trusted() {
  return trustRootFromCertificates([Certificate.loadPEM(testPKI().caCert)]);
}

async function withServer<T>(
  factory: KeepingFactory<TLSRecorder>,
  options: CertificateOptions,
  body: (port: number) => Promise<T>,
): Promise<T> {
  const port = listenSSL(reactor, 0, factory, options, { interface: "127.0.0.1" });
  try {
    return await body((port.getHost() as IPv4Address).port);
  } finally {
    await port.stopListening();
  }
}

describe("listenSSL and connectSSL on loopback", { skip }, () => {
  it("echo over TLS: connectionMade before the handshake, then handshakeCompleted, then data; clean close is ConnectionDone", async () => {
    const server = new KeepingFactory(() => Object.assign(new TLSRecorder(), { echo: true }));
    await withServer(server, serverOptions(), async (port) => {
      const client = new KeepingFactory(() => Object.assign(new TLSRecorder(), { greeting: Buffer.from("hello over TLS") }));
      connectSSL(reactor, "127.0.0.1", port, client, optionsForClientTLS("localhost", { trustRoot: trusted() }));
      await waitFor(() => (client.built[0]?.received ?? 0) >= 14, "the echo");
      const c = client.built[0]!;
      assert.equal(c.text(), "hello over TLS");
      assert.deepEqual(c.events, ["connectionMade", "handshakeCompleted", "data"]);
      const layers = [c, server.built[0]!].map((p) => p.transport as unknown as { native: boolean });
      assert.deepEqual(
        layers.map((l) => l.native),
        [true, true],
        "node:tls runs on the socket's handle on both sides (no Duplex)",
      );
      const peer = (c.transport as unknown as { getPeerCertificate(): { subject: string } | null }).getPeerCertificate();
      assert.equal(peer?.subject, "CN=localhost");
      assert.equal(
        (server.built[0]!.transport as unknown as { getPeerCertificate(): unknown }).getPeerCertificate(),
        null,
        "no client certificate was asked for",
      );
      c.transport?.loseConnection();
      const [cr, sr] = await Promise.all([c.lost(), server.built[0]!.lost()]);
      assert.ok(cr.value instanceof ConnectionDone, String(cr.value));
      assert.ok(sr.value instanceof ConnectionDone, String(sr.value));
    });
  });

  it("handshakeCompleted runs once per side even if node:tls signals the handshake again (as a renegotiation would)", async () => {
    const server = new KeepingFactory(() => Object.assign(new TLSRecorder(), { echo: true }));
    await withServer(server, serverOptions(), async (port) => {
      const client = new KeepingFactory(() => new TLSRecorder());
      connectSSL(reactor, "127.0.0.1", port, client, optionsForClientTLS("localhost", { trustRoot: trusted() }));
      await waitFor(() => client.built[0] !== undefined && server.built[0] !== undefined, "both connections");
      const c = client.built[0]!;
      const s = server.built[0]!;
      await Promise.all([c.secure(), s.secure()]);
      // The TLS sockets under both layers (native path: the stream transport's socket).
      const socketOf = (p: TLSRecorder) => (p.transport as unknown as { transport: { socket: NodeJS.EventEmitter } }).transport.socket;
      socketOf(c).emit("secureConnect");
      socketOf(s).emit("secure");
      try {
        c.transport?.write(Buffer.from("after"));
        await waitFor(() => c.received >= 5, "the echo");
        assert.deepEqual(c.events, ["connectionMade", "handshakeCompleted", "data"]);
        assert.deepEqual(s.events, ["connectionMade", "handshakeCompleted", "data"]);
      } finally {
        c.transport?.loseConnection();
      }
      await Promise.all([c.lost(), s.lost()]);
    });
  });

  it("echoes 4 MiB in order both ways", async () => {
    const server = new KeepingFactory(() => Object.assign(new TLSRecorder(), { echo: true }));
    await withServer(server, serverOptions(), async (port) => {
      const data = pattern(4 * 1024 * 1024);
      const client = new KeepingFactory(() => Object.assign(new TLSRecorder(), { greeting: data }));
      connectSSL(reactor, "localhost", port, client, optionsForClientTLS("localhost", { trustRoot: trusted() }));
      await waitFor(() => (client.built[0]?.received ?? 0) >= data.byteLength, "4 MiB echoed", 30);
      assert.ok(Buffer.concat(client.built[0]!.chunks).equals(data));
      client.built[0]!.transport?.loseConnection();
      await client.built[0]!.lost();
    });
  });

  it("a wrong hostname fails the client with HostnameMismatch and the server with PeerCertificateRejected-or-TLSError", async () => {
    const server = new KeepingFactory(() => new TLSRecorder());
    await withServer(server, serverOptions(), async (port) => {
      const client = new KeepingFactory(() => new TLSRecorder());
      connectSSL(reactor, "127.0.0.1", port, client, optionsForClientTLS("wrong.example", { trustRoot: trusted() }));
      await waitFor(() => client.built[0]?.reason !== null && client.built[0] !== undefined, "the client's connectionLost");
      const reason = client.built[0]!.reason!.value;
      assert.ok(reason instanceof HostnameMismatch, String(reason));
      assert.ok(client.built[0]!.events.includes("connectionMade") && !client.built[0]!.events.includes("handshakeCompleted"));
      await waitFor(() => client.lostReasons.length > 0, "clientConnectionLost");
      assert.ok(client.lostReasons[0]!.value instanceof HostnameMismatch, "the factory hears the TLS error, not the TCP reason");
      const serverReason = (await server.built[0]!.lost()).value;
      assert.ok(serverReason instanceof TLSError, String(serverReason));
    });
  });

  it("an untrusted CA fails the client with CertificateError carrying OpenSSL's verify code", async () => {
    const pki = testPKI();
    const server = new KeepingFactory(() => new TLSRecorder());
    await withServer(server, new CertificateOptions({ privateKey: pki.otherServerKey, certificate: pki.otherServerCert }), async (port) => {
      const client = new KeepingFactory(() => new TLSRecorder());
      connectSSL(reactor, "localhost", port, client, optionsForClientTLS("localhost", { trustRoot: trusted() }));
      const reason = (await waitLost(client)).value;
      assert.ok(reason instanceof CertificateError && !(reason instanceof HostnameMismatch), String(reason));
      assert.equal(reason.verifyCode, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
      const serverReason = (await server.built[0]!.lost()).value;
      // Node's client checks the chain after OpenSSL's handshake and closes without an alert,
      // so the server sees a handshake cut short (an OpenSSL client sends "unknown ca": see interop).
      assert.ok(serverReason instanceof TLSHandshakeError, String(serverReason));
      assert.equal(server.tlsFailures.length, 1, "the server factory hears of the failed handshake");
    });
  });

  it("a server that requires client certificates accepts a signed one and rejects a client without one", async () => {
    const pki = testPKI();
    const pc = PrivateCertificate.loadPEM(pki.serverKey + pki.serverCert);
    const server = new KeepingFactory(() => Object.assign(new TLSRecorder(), { echo: true }));
    await withServer(server, pc.options(Certificate.loadPEM(pki.caCert)), async (port) => {
      const client = new KeepingFactory(() => Object.assign(new TLSRecorder(), { greeting: Buffer.from("x") }));
      const clientCertificate = PrivateCertificate.loadPEM(pki.clientKey + pki.clientCert);
      connectSSL(reactor, "localhost", port, client, optionsForClientTLS("localhost", { trustRoot: trusted(), clientCertificate }));
      await waitFor(() => (client.built[0]?.received ?? 0) >= 1, "the echo with a client certificate");
      const seen = (server.built[0]!.transport as unknown as { getPeerCertificate(): { subject: string } | null }).getPeerCertificate();
      assert.equal(seen?.subject, "CN=torsion-client");
      client.built[0]!.transport?.loseConnection();
      await client.built[0]!.lost();

      const anonymous = new KeepingFactory(() => Object.assign(new TLSRecorder(), { greeting: Buffer.from("x") }));
      connectSSL(reactor, "localhost", port, anonymous, optionsForClientTLS("localhost", { trustRoot: trusted() }));
      const reason = (await waitLost(anonymous)).value;
      assert.ok(reason instanceof TLSError, String(reason));
      const serverReason = (await server.built[1]!.lost()).value;
      assert.ok(serverReason instanceof TLSError, String(serverReason));
    });
  });

  it("ALPN: the server's first choice among the client's offer is negotiated; no overlap is NoApplicationProtocol", async () => {
    const server = new KeepingFactory(() => Object.assign(new TLSRecorder(), { echo: true }));
    await withServer(server, serverOptions({ acceptableProtocols: ["h2", "http/1.1"] }), async (port) => {
      const client = new KeepingFactory(() => Object.assign(new TLSRecorder(), { greeting: Buffer.from("x") }));
      connectSSL(
        reactor,
        "localhost",
        port,
        client,
        optionsForClientTLS("localhost", { trustRoot: trusted(), acceptableProtocols: ["http/1.1", "h2"] }),
      );
      await waitFor(() => (client.built[0]?.received ?? 0) >= 1, "the echo");
      assert.equal((client.built[0]!.transport as unknown as { negotiatedProtocol: string | null }).negotiatedProtocol, "h2");
      assert.equal((server.built[0]!.transport as unknown as { negotiatedProtocol: string | null }).negotiatedProtocol, "h2");
      client.built[0]!.transport?.loseConnection();
      await client.built[0]!.lost();

      const other = new KeepingFactory(() => new TLSRecorder());
      connectSSL(
        reactor,
        "localhost",
        port,
        other,
        optionsForClientTLS("localhost", { trustRoot: trusted(), acceptableProtocols: ["spdy/1"] }),
      );
      const reason = (await waitLost(other)).value;
      assert.ok(reason instanceof NoApplicationProtocol || reason instanceof TLSError, String(reason));
      const serverReason = (await server.built[1]!.lost()).value;
      assert.ok(serverReason instanceof NoApplicationProtocol, String(serverReason));
    });
  });
});

async function waitLost(factory: KeepingFactory<TLSRecorder>) {
  await waitFor(() => factory.built.length > 0, "a connection");
  return factory.built[0]!.lost();
}
