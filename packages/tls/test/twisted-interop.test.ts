/**
 * Interop with Python Twisted 22.4 (pyOpenSSL): Torsion's TLS server against Twisted's
 * connectSSL/optionsForClientTLS client and Twisted's listenSSL server against Torsion's
 * client, 10 MiB echoed both ways with verification on; ALPN; a wrong hostname and an
 * untrusted CA failing with typed errors on both sides.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionDone, ConnectionLost, type IPv4Address } from "@torsion/core";
import { NodeReactor } from "@torsion/reactor";
import {
  Certificate,
  CertificateError,
  CertificateOptions,
  connectSSL,
  HostnameMismatch,
  listenSSL,
  optionsForClientTLS,
  PeerCertificateRejected,
  trustRootFromCertificates,
} from "@torsion/tls";
import { KeepingFactory, TLSRecorder, waitFor } from "./helpers.js";
import { twisted, twistedMissing } from "./peer-process.js";
import { testPKI } from "./test-certificates.js";

const TEN_MIB = 10 * 1024 * 1024;
const reactor = new NodeReactor({ installSignalHandlers: false });

/** The bytes the Twisted peer sends: 0..255 repeated. */
function peerPattern(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = i & 0xff;
  return b;
}

function trusted() {
  return trustRootFromCertificates([Certificate.loadPEM(testPKI().caCert)]);
}

async function torsionServer(
  options: CertificateOptions,
  body: (port: number, factory: KeepingFactory<TLSRecorder>) => Promise<void>,
): Promise<void> {
  const factory = new KeepingFactory(() => Object.assign(new TLSRecorder(), { echo: true }));
  const port = listenSSL(reactor, 0, factory, options, { interface: "127.0.0.1" });
  try {
    await body((port.getHost() as IPv4Address).port, factory);
  } finally {
    await port.stopListening();
  }
}

function serverContext(extra: object = {}) {
  const pki = testPKI();
  return new CertificateOptions({ privateKey: pki.serverKey, certificate: pki.serverCert, ...extra });
}

describe("TLS interop with Python Twisted", { skip: twistedMissing() }, () => {
  it("a Twisted optionsForClientTLS client echoes 10 MiB through a Torsion listenSSL server, verified", async () => {
    await torsionServer(serverContext(), async (port, factory) => {
      const pki = testPKI();
      const peer = twisted("client", String(port), "localhost", pki.path("ca.pem"), String(TEN_MIB));
      try {
        const result = await peer.result(60);
        assert.equal(result.ok, true, JSON.stringify(result));
        assert.equal(result.received, TEN_MIB);
        const reason = (await factory.built[0]!.lost()).value;
        assert.ok(reason instanceof ConnectionDone, String(reason));
        assert.equal(factory.built[0]!.received, TEN_MIB);
      } finally {
        peer.kill();
      }
    });
  });

  it("a Torsion connectSSL client echoes 10 MiB through a Twisted listenSSL server, verified", async () => {
    const pki = testPKI();
    const peer = twisted("server", pki.path("server.pem"), pki.path("server.key"));
    try {
      const port = await peer.port();
      const data = peerPattern(TEN_MIB);
      const client = new KeepingFactory(() => Object.assign(new TLSRecorder(), { greeting: data }));
      connectSSL(reactor, "127.0.0.1", port, client, optionsForClientTLS("localhost", { trustRoot: trusted() }));
      await waitFor(() => (client.built[0]?.received ?? 0) >= TEN_MIB, "10 MiB back from Twisted", 60);
      assert.ok(Buffer.concat(client.built[0]!.chunks).equals(data));
      client.built[0]!.transport?.loseConnection();
      assert.ok((await client.built[0]!.lost()).value instanceof ConnectionDone);
      const result = await peer.result();
      assert.equal(result.received, TEN_MIB);
    } finally {
      peer.kill();
    }
  });

  it("ALPN: Torsion and Twisted agree on the server's first choice, both ways", async () => {
    const pki = testPKI();
    const peer = twisted("server", pki.path("server.pem"), pki.path("server.key"), "h2,http/1.1");
    try {
      const port = await peer.port();
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
      client.built[0]!.transport?.loseConnection();
      assert.equal((await peer.result()).alpn, "h2");
    } finally {
      peer.kill();
    }
    await torsionServer(serverContext({ acceptableProtocols: ["http/1.1", "h2"] }), async (port, factory) => {
      const twistedClient = twisted("client", String(port), "localhost", pki.path("ca.pem"), "10", "h2,http/1.1");
      try {
        const result = await twistedClient.result();
        assert.equal(result.alpn, "http/1.1", JSON.stringify(result));
        assert.equal((factory.built[0]!.transport as unknown as { negotiatedProtocol: string | null }).negotiatedProtocol, "http/1.1");
      } finally {
        twistedClient.kill();
      }
    });
  });

  it("a wrong hostname: Twisted's client refuses a Torsion server, and Torsion's client refuses a Twisted server", async () => {
    const pki = testPKI();
    await torsionServer(serverContext(), async (port, factory) => {
      const peer = twisted("client", String(port), "wrong.example", pki.path("ca.pem"), "10");
      try {
        const result = await peer.result();
        assert.match(String(result.reason), /VerificationError|wrong\.example/, JSON.stringify(result));
        await waitFor(() => factory.built.length > 0, "the server's connection");
        const reason = (await factory.built[0]!.lost()).value;
        // Twisted checks the name after the handshake and drops the connection: not a clean close.
        assert.ok(reason instanceof ConnectionLost, String(reason));
      } finally {
        peer.kill();
      }
    });
    const server = twisted("server", pki.path("server.pem"), pki.path("server.key"));
    try {
      const port = await server.port();
      const client = new KeepingFactory(() => new TLSRecorder());
      connectSSL(reactor, "127.0.0.1", port, client, optionsForClientTLS("wrong.example", { trustRoot: trusted() }));
      await waitFor(() => client.built.length > 0, "a connection");
      assert.ok((await client.built[0]!.lost()).value instanceof HostnameMismatch);
      const result = await server.result();
      assert.notEqual(result.reason, undefined);
    } finally {
      server.kill();
    }
  });

  it("an untrusted CA: each side's client refuses the other's server, and a Torsion server hears OpenSSL's alert", async () => {
    const pki = testPKI();
    // Twisted trusts only the other CA: OpenSSL sends "unknown ca", which Torsion's server reports.
    await torsionServer(serverContext(), async (port, factory) => {
      const peer = twisted("client", String(port), "localhost", pki.path("other-ca.pem"), "10");
      try {
        const result = await peer.result();
        assert.match(String(result.reason), /certificate verify failed|SSL/i, JSON.stringify(result));
        await waitFor(() => factory.built.length > 0, "the server's connection");
        const reason = (await factory.built[0]!.lost()).value;
        assert.ok(reason instanceof PeerCertificateRejected, String(reason));
        assert.match(reason.reason, /unknown ca/i);
        assert.equal(factory.tlsFailures.length, 1);
      } finally {
        peer.kill();
      }
    });
    const server = twisted("server", pki.path("other-server.pem"), pki.path("other-server.key"));
    try {
      const port = await server.port();
      const client = new KeepingFactory(() => new TLSRecorder());
      connectSSL(reactor, "localhost", port, client, optionsForClientTLS("localhost", { trustRoot: trusted() }));
      await waitFor(() => client.built.length > 0, "a connection");
      const reason = (await client.built[0]!.lost()).value;
      assert.ok(reason instanceof CertificateError, String(reason));
      assert.equal(reason.verifyCode, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
      const result = await server.result();
      assert.doesNotMatch(String(result.reason), /ConnectionDone/, JSON.stringify(result));
    } finally {
      server.kill();
    }
  });
});
