/**
 * `openssl s_server` and `openssl s_client` as peers, and the close semantics: a
 * `loseConnection` that does not wait for a peer that never sends its `close_notify`
 * (Twisted #7926).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { ConnectionDone, type IPv4Address } from "@torsion/core";
import { NodeReactor } from "@torsion/reactor";
import {
  Certificate,
  CertificateOptions,
  connectSSL,
  listenSSL,
  optionsForClientTLS,
  PeerCertificateRejected,
  trustRootFromCertificates,
} from "@torsion/tls";
import { KeepingFactory, TLSRecorder, waitFor } from "./helpers.js";
import { Peer } from "./peer-process.js";
import { haveOpenSSL, testPKI } from "./test-certificates.js";

const skip = haveOpenSSL() || process.env.CI === "true" ? false : "the openssl CLI is not installed (scripts/install-test-deps.sh)";
const reactor = new NodeReactor({ installSignalHandlers: false });

function trusted() {
  return trustRootFromCertificates([Certificate.loadPEM(testPKI().caCert)]);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("TLS interop with the openssl CLI", { skip }, () => {
  it("openssl s_client verifies a Torsion server and gets its line echoed", async () => {
    const pki = testPKI();
    const factory = new KeepingFactory(() => Object.assign(new TLSRecorder(), { echo: true }));
    const port = listenSSL(reactor, 0, factory, new CertificateOptions({ privateKey: pki.serverKey, certificate: pki.serverCert }), {
      interface: "127.0.0.1",
    });
    const client = new Peer("openssl", [
      "s_client",
      "-connect",
      `127.0.0.1:${(port.getHost() as IPv4Address).port}`,
      "-servername",
      "localhost",
      "-verify_hostname",
      "localhost",
      "-CAfile",
      pki.path("ca.pem"),
      "-verify_return_error",
      "-quiet",
      "-no_ign_eof",
    ]);
    try {
      client.child.stdin?.write("ping from openssl\n");
      await client.line(/^ping from openssl$/);
      client.child.stdin?.end();
      await waitFor(() => factory.built[0]?.reason !== null && factory.built[0] !== undefined, "the server's connectionLost");
      assert.equal(factory.built[0]!.received, "ping from openssl\n".length);
    } finally {
      client.kill();
      await port.stopListening();
    }
  });

  it("openssl s_client trusting another CA aborts with unknown ca, which the Torsion server reports", async () => {
    const pki = testPKI();
    const factory = new KeepingFactory(() => new TLSRecorder());
    const port = listenSSL(reactor, 0, factory, new CertificateOptions({ privateKey: pki.serverKey, certificate: pki.serverCert }), {
      interface: "127.0.0.1",
    });
    const client = new Peer("openssl", [
      "s_client",
      "-connect",
      `127.0.0.1:${(port.getHost() as IPv4Address).port}`,
      "-servername",
      "localhost",
      "-CAfile",
      pki.path("other-ca.pem"),
      "-verify_return_error",
      "-quiet",
    ]);
    try {
      await waitFor(() => factory.built.length > 0, "a connection");
      const reason = (await factory.built[0]!.lost()).value;
      assert.ok(reason instanceof PeerCertificateRejected, String(reason));
      assert.match(reason.reason, /unknown ca/);
    } finally {
      client.kill();
      await port.stopListening();
    }
  });

  it("a Torsion client verifies openssl s_server, negotiates ALPN, and closes without waiting for its close_notify", async () => {
    const pki = testPKI();
    const portNumber = await freePort();
    const server = new Peer("openssl", [
      "s_server",
      "-accept",
      `127.0.0.1:${portNumber}`,
      "-cert",
      pki.path("server.pem"),
      "-key",
      pki.path("server.key"),
      "-alpn",
      "h2,http/1.1",
      "-rev",
      "-naccept",
      "1",
    ]);
    try {
      await server.line(/ACCEPT/);
      const factory = new KeepingFactory(() => Object.assign(new TLSRecorder(), { greeting: Buffer.from("abc\n") }));
      connectSSL(
        reactor,
        "127.0.0.1",
        portNumber,
        factory,
        optionsForClientTLS("localhost", { trustRoot: trusted(), acceptableProtocols: ["http/1.1"] }),
      );
      await waitFor(() => (factory.built[0]?.text() ?? "").includes("cba"), "s_server -rev to answer", 15);
      assert.equal((factory.built[0]!.transport as unknown as { negotiatedProtocol: string | null }).negotiatedProtocol, "http/1.1");
      factory.built[0]!.transport?.loseConnection();
      assert.ok((await factory.built[0]!.lost()).value instanceof ConnectionDone);
    } finally {
      server.kill();
    }
  });
});

describe("TLS close semantics", { skip }, () => {
  it("loseConnection completes against a peer that never sends close_notify (Twisted #7926)", async () => {
    const pki = testPKI();
    const sockets: tls.TLSSocket[] = [];
    // A raw node:tls server that keeps its side open (allowHalfOpen) and never ends.
    const server = tls.createServer({ key: pki.serverKey, cert: pki.serverCert, allowHalfOpen: true }, (socket) => {
      sockets.push(socket);
      socket.on("error", () => undefined);
      socket.write("hi");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const factory = new KeepingFactory(() => new TLSRecorder());
      connectSSL(
        reactor,
        "localhost",
        (server.address() as net.AddressInfo).port,
        factory,
        optionsForClientTLS("localhost", { trustRoot: trusted() }),
      );
      await waitFor(() => factory.built[0]?.text() === "hi", "the greeting");
      const started = Date.now();
      factory.built[0]!.transport?.loseConnection();
      const reason = (await factory.built[0]!.lost()).value;
      assert.ok(reason instanceof ConnectionDone, String(reason));
      assert.ok(Date.now() - started < 5000, "closed without waiting for the peer");
      assert.equal(sockets[0]?.destroyed, false, "the peer had not closed its side");
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
