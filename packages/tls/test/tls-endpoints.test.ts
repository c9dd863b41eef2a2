import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionDone, Factory, Protocol, type IPv4Address } from "@torsion/core";
import { MemoryReactor } from "@torsion/testing";
import { clientFromString, quoteStringArgument, serverFromString } from "@torsion/endpoints";
import { NodeReactor } from "@torsion/reactor";
import { CertificateOptions, HostnameMismatch } from "@torsion/tls";
import { KeepingFactory, TLSRecorder, waitFor } from "./helpers.js";
import { haveOpenSSL, testPKI } from "./test-certificates.js";

const skip = haveOpenSSL() || process.env.CI === "true" ? false : "the openssl CLI is not installed (scripts/install-test-deps.sh)";

describe("ssl: and tls: endpoint descriptions over @torsion/tls", { skip }, () => {
  const reactor = new NodeReactor({ installSignalHandlers: false });
  const q = quoteStringArgument;

  for (const client of ["ssl", "tls"] as const) {
    it(`a ${client}: client reaches an ssl: server, verifying its certificate against the given CAs`, async () => {
      const pki = testPKI();
      const serverDesc = `ssl:0:interface=127.0.0.1:privateKey=${q(pki.path("server.key"))}:certKey=${q(pki.path("server.pem"))}`;
      const server = new KeepingFactory(() => Object.assign(new TLSRecorder(), { echo: true }));
      const port = await serverFromString(reactor, serverDesc).listen(server);
      try {
        const p = (port.getHost() as IPv4Address).port;
        const desc =
          client === "ssl" ? `ssl:localhost:${p}:caCertsDir=${q(pki.trustDir)}` : `tls:localhost:${p}:trustRoots=${q(pki.trustDir)}`;
        const factory = new KeepingFactory(() => Object.assign(new TLSRecorder(), { greeting: Buffer.from("via endpoints") }));
        const protocol = await clientFromString(reactor, desc).connect(factory);
        assert.equal(protocol, factory.built[0]);
        await waitFor(() => protocol.received >= 13, "the echo");
        assert.equal(protocol.text(), "via endpoints");
        protocol.transport.loseConnection();
        assert.ok((await protocol.lost()).value instanceof ConnectionDone);
      } finally {
        await port.stopListening();
      }
    });
  }

  it("an ssl: client whose hostname= does not match fails with HostnameMismatch", async () => {
    const pki = testPKI();
    const server = new KeepingFactory(() => new TLSRecorder());
    const port = await serverFromString(
      reactor,
      `ssl:0:interface=127.0.0.1:privateKey=${q(pki.path("server.key"))}:certKey=${q(pki.path("server.pem"))}`,
    ).listen(server);
    try {
      const p = (port.getHost() as IPv4Address).port;
      const factory = new KeepingFactory(() => new TLSRecorder());
      const protocol = await clientFromString(
        reactor,
        `ssl:127.0.0.1:${p}:hostname=elsewhere.example:caCertsDir=${q(pki.trustDir)}`,
      ).connect(factory);
      assert.ok((await protocol.lost()).value instanceof HostnameMismatch);
    } finally {
      await port.stopListening();
    }
  });
});

describe("ssl: endpoints over a MemoryReactor", { skip }, () => {
  it("serverFromString and clientFromString record listenSSL/connectSSL with the parsed contexts instead of opening sockets", async () => {
    const pki = testPKI();
    const reactor = new MemoryReactor();
    const q = quoteStringArgument;
    const desc = `ssl:4433:interface=127.0.0.1:privateKey=${q(pki.path("server.key"))}:certKey=${q(pki.path("server.pem"))}`;
    const port = await serverFromString(reactor, desc).listen(Factory.forProtocol(Protocol));
    assert.equal(reactor.sslServers.length, 1);
    assert.deepEqual(reactor.tcpServers, []);
    assert.equal(reactor.sslServers[0]?.port, 4433);
    assert.equal(reactor.sslServers[0]?.interface, "127.0.0.1");
    assert.ok(reactor.sslServers[0]?.contextFactory instanceof CertificateOptions);
    assert.equal(reactor.ports[0], port);
    const connecting = clientFromString(reactor, `ssl:localhost:4433:caCertsDir=${q(pki.trustDir)}`).connect(Factory.forProtocol(Protocol));
    assert.equal(reactor.sslClients.length, 1);
    assert.deepEqual([reactor.sslClients[0]?.host, reactor.sslClients[0]?.port], ["localhost", 4433]);
    assert.deepEqual(reactor.tcpClients, []);
    connecting.cancel();
    await connecting.then(
      () => assert.fail("cancelled"),
      () => undefined,
    );
  });
});
