import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { EndpointArguments, IProtocolFactory, IStreamServerEndpoint } from "@torsion/core";
import { MemoryReactor, MemoryReactorClock, failureResultOf } from "@torsion/testing";
import {
  EndpointArgumentError,
  EndpointFileError,
  EndpointPrefixInUseError,
  EndpointReactorError,
  EndpointRegistry,
  EndpointSyntaxError,
  EndpointValueError,
  HostnameEndpoint,
  SSL4ClientEndpoint,
  SSL4ServerEndpoint,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  TCP6ServerEndpoint,
  TLSNotAvailableError,
  TLSWrapperClientEndpoint,
  UNIXClientEndpoint,
  UnknownEndpointTypeError,
  addBuiltinParsers,
  clientFromString,
  defaultEndpointRegistry,
  serverFromString,
  type ClientTLSDescription,
  type ServerTLSDescription,
} from "@torsion/endpoints";
import { Echo, KeepingFactory, Recorder, makeCertificates, tempDir } from "./helpers.js";

const temp = tempDir();
after(() => temp.remove());
const certs = makeCertificates(temp.dir);
const skipNoCerts = typeof certs === "string" ? certs : false;
const files = () => {
  if (typeof certs === "string") throw new Error(certs);
  return certs;
};

/** A registry with the built-ins and its own (empty) TLS slot. */
const isolated = () => addBuiltinParsers(new EndpointRegistry({ tls: { tlsProvider: null } }));

describe("serverFromString", () => {
  const reactor = new MemoryReactor();

  it("builds a TCP4 server endpoint bound to every IPv4 address by default", () => {
    const e = serverFromString(reactor, "tcp:8080");
    assert.ok(e instanceof TCP4ServerEndpoint);
    assert.deepEqual([e.port, e.backlog, e.interface], [8080, 50, ""]);
  });

  it("matches the built-in server types tcp, unix and ssl case-sensitively, as Twisted", () => {
    assert.throws(() => serverFromString(reactor, "TCP:80"), UnknownEndpointTypeError);
    assert.throws(() => serverFromString(reactor, "Unix:/tmp/x"), UnknownEndpointTypeError);
    assert.ok(serverFromString(reactor, "TCP6:80") instanceof TCP6ServerEndpoint);
  });

  it("takes tcp6 positionals in Twisted's order: port, backlog, interface", () => {
    const e = serverFromString(reactor, "tcp6:80:5:\\:\\:1") as TCP6ServerEndpoint;
    assert.deepEqual([e.port, e.backlog, e.interface], [80, 5, "::1"]);
  });

  it("rejects a port given both positionally and by keyword, and too many positionals", () => {
    assert.throws(() => serverFromString(reactor, "tcp:80:port=81"), EndpointArgumentError);
    assert.throws(() => serverFromString(reactor, "tcp:80:lo:5:extra"), EndpointArgumentError);
  });

  it("rejects a description with no type", () => {
    assert.throws(() => serverFromString(reactor, "port=80"), UnknownEndpointTypeError);
  });

  it("checks that the reactor can do what the type needs", () => {
    assert.throws(() => serverFromString({}, "tcp:80"), EndpointReactorError);
    assert.throws(() => serverFromString({ listenTCP() {}, connectTCP() {} }, "unix:/tmp/x"), EndpointReactorError);
  });

  it(
    "builds an ssl: endpoint whose listen fails with TLSNotAvailableError while no TLS provider is registered",
    { skip: skipNoCerts },
    () => {
      const registry = isolated();
      const e = registry.serverFromString(
        reactor,
        `ssl:443:privateKey=${files().key}:certKey=${files().cert}:interface=127.0.0.1:backlog=9`,
      );
      assert.ok(e instanceof SSL4ServerEndpoint);
      assert.deepEqual([e.port, e.backlog, e.interface], [443, 9, "127.0.0.1"]);
      const d = e.contextFactory as ServerTLSDescription;
      assert.equal(d.kind, "server");
      assert.equal(d.privateKey.path, files().key);
      assert.deepEqual(d.certificate.pem, fs.readFileSync(files().cert));
      assert.deepEqual([d.extraCertChain, d.dhParameters, d.sslmethod], [null, null, null]);
      failureResultOf(e.listen(new KeepingFactory(Echo)), TLSNotAvailableError);
    },
  );

  it("reads the certificate from the privateKey file when certKey is not given, and the chain file", { skip: skipNoCerts }, () => {
    const e = isolated().serverFromString(
      reactor,
      `ssl:443:privateKey=${files().both}:extraCertChain=${files().cert}:sslmethod=TLSv1_2_METHOD`,
    );
    const d = (e as SSL4ServerEndpoint).contextFactory as ServerTLSDescription;
    assert.equal(d.certificate.path, files().both);
    assert.equal(d.extraCertChain?.path, files().cert);
    assert.equal(d.sslmethod, "TLSv1_2_METHOD");
  });

  it("fails at parse time for an unreadable key file, a file without a certificate, or SSLv3", { skip: skipNoCerts }, () => {
    const registry = isolated();
    assert.throws(() => registry.serverFromString(reactor, `ssl:443:privateKey=${path.join(temp.dir, "missing.pem")}`), EndpointFileError);
    assert.throws(() => registry.serverFromString(reactor, `ssl:443:privateKey=${files().key}`), EndpointValueError);
    assert.throws(
      () => registry.serverFromString(reactor, `ssl:443:privateKey=${files().both}:sslmethod=SSLv3_METHOD`),
      EndpointValueError,
    );
    assert.throws(
      () => registry.serverFromString(reactor, `ssl:443:privateKey=${files().both}:extraCertChain=${files().key}`),
      EndpointValueError,
    );
  });
});

describe("clientFromString", () => {
  const reactor = new MemoryReactorClock();

  it("builds TCP, Unix and TLS client endpoints with case-insensitive types", () => {
    assert.ok(clientFromString(reactor, "TCP:example.com:80") instanceof TCP4ClientEndpoint);
    assert.ok(clientFromString(reactor, "Unix:/run/x.sock") instanceof UNIXClientEndpoint);
    assert.ok(clientFromString(reactor, "Tls:example.com:443") instanceof TLSWrapperClientEndpoint);
  });

  it("accepts the unix client's checkPID spelling and rejects server-only keywords", () => {
    assert.equal((clientFromString(reactor, "unix:/x:checkPID=1") as UNIXClientEndpoint).checkPID, true);
    assert.throws(() => clientFromString(reactor, "unix:/x:mode=600"), EndpointArgumentError);
    assert.throws(() => clientFromString(reactor, "tcp:h:80:backlog=5"), EndpointArgumentError);
  });

  it("rejects extra positionals that Twisted would silently drop", () => {
    assert.throws(() => clientFromString(reactor, "tcp:a:1:b:host=h:port=2"), EndpointArgumentError);
    assert.throws(() => clientFromString(reactor, "unix:a:b:path=/x"), EndpointArgumentError);
  });

  it("rejects a negative timeout", () => {
    assert.throws(() => clientFromString(reactor, "tcp:h:80:timeout=-1"), EndpointValueError);
  });

  it("builds tls: over a HostnameEndpoint that accepts IPv6 literals (Twisted crashes in IDNA)", () => {
    const e = clientFromString(reactor, "tls:\\:\\:1:443") as TLSWrapperClientEndpoint;
    assert.ok(e.wrappedEndpoint instanceof HostnameEndpoint);
    assert.equal(e.wrappedEndpoint.host, "::1");
    assert.equal((e.connectionCreator as ClientTLSDescription).hostname, "::1");
  });

  it("builds tls: over a nested endpoint= description, verifying against the tls: host", () => {
    const e = clientFromString(reactor, "tls:example.com:443:endpoint=unix\\:/run/tls.sock") as TLSWrapperClientEndpoint;
    assert.ok(e.wrappedEndpoint instanceof UNIXClientEndpoint);
    assert.equal(e.wrappedEndpoint.path, "/run/tls.sock");
    assert.equal((e.connectionCreator as ClientTLSDescription).hostname, "example.com");
  });

  it("fails a tls: connect with TLSNotAvailableError while no TLS provider is registered", () => {
    const e = isolated().clientFromString(reactor, "tls:example.com:443");
    failureResultOf(e.connect(new KeepingFactory(Recorder)), TLSNotAvailableError);
    assert.equal(reactor.tcpClients.length, 0, "nothing was connected");
  });

  it("reads tls: trustRoots and a client certificate at parse time", { skip: skipNoCerts }, () => {
    const roots = path.join(temp.dir, "roots");
    fs.mkdirSync(roots, { recursive: true });
    fs.copyFileSync(files().cert, path.join(roots, "ca.PEM"));
    fs.writeFileSync(path.join(roots, "junk.pem"), "not a certificate");
    fs.writeFileSync(path.join(roots, "note.txt"), "ignored");
    const e = clientFromString(reactor, `tls:localhost:443:trustRoots=${roots}:certificate=${files().cert}:privateKey=${files().key}`);
    const d = (e as TLSWrapperClientEndpoint).connectionCreator as ClientTLSDescription;
    assert.deepEqual(
      d.trustRoots?.certificates.map((c) => path.basename(c.path)),
      ["ca.PEM"],
    );
    assert.equal(d.clientCertificate?.certificate.path, files().cert);
    assert.equal(d.clientCertificate?.privateKey?.path, files().key);
  });
});

/**
 * Deviations toward safety in `ssl:` client strings. (The public endpoint-strings vectors
 * have no `ssl:` client vector, so these are listed by what they change.)
 */
describe("ssl: client descriptions verify by default (Twisted verifies nothing without hostname= and caCertsDir=)", () => {
  const reactor = new MemoryReactorClock();

  it("without hostname=, the certificate must match the host connected to", () => {
    const e = clientFromString(reactor, "ssl:example.com:443");
    assert.ok(e instanceof SSL4ClientEndpoint);
    assert.deepEqual([e.host, e.port, e.timeout, e.bindAddress], ["example.com", 443, 30, null]);
    assert.equal((e.contextFactory as ClientTLSDescription).hostname, "example.com");
  });

  it("without caCertsDir=, the platform trust store is used (trustRoots null), never no verification", () => {
    const d = (clientFromString(reactor, "ssl:example.com:443:hostname=www.example.com") as SSL4ClientEndpoint)
      .contextFactory as ClientTLSDescription;
    assert.equal(d.hostname, "www.example.com");
    assert.equal(d.trustRoots, null);
  });

  it("with caCertsDir=, only that directory's .pem certificates are trusted", { skip: skipNoCerts }, () => {
    const dir = path.join(temp.dir, "cas");
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(files().cert, path.join(dir, "one.pem"));
    const d = (clientFromString(reactor, `ssl:h:443:caCertsDir=${dir}:certKey=${files().both}`) as SSL4ClientEndpoint)
      .contextFactory as ClientTLSDescription;
    assert.deepEqual(
      d.trustRoots?.certificates.map((c) => path.basename(c.path)),
      ["one.pem"],
    );
    assert.equal(d.clientCertificate?.privateKey, null, "the key is in the certKey file");
  });

  it("fails for a caCertsDir= that cannot be read", () => {
    assert.throws(() => clientFromString(reactor, `ssl:h:443:caCertsDir=${path.join(temp.dir, "nope")}`), EndpointFileError);
  });
});

describe("EndpointRegistry", () => {
  class Recording implements IStreamServerEndpoint {
    constructor(readonly parameters: EndpointArguments) {}
    listen(factory: IProtocolFactory): never {
      throw new Error("not used");
    }
  }
  const parser = { prefix: "memq", parseStreamServer: (_reactor: object, p: EndpointArguments) => new Recording(p) };

  it("lets a package add a description type, matched case-insensitively", () => {
    const registry = isolated();
    registry.addServerParser(parser);
    const e = registry.serverFromString({}, "MemQ:a\\:b:x=1:x=2") as Recording;
    assert.deepEqual([...e.parameters.args], ["a:b"]);
    assert.deepEqual({ ...e.parameters.kwargs }, { x: "2" });
    assert.deepEqual(registry.serverPrefixes(), ["tcp", "unix", "ssl", "tcp6", "stdio", "memq"]);
    assert.deepEqual(registry.clientPrefixes(), ["tcp", "unix", "ssl", "tls"]);
  });

  it("refuses a prefix that is taken unless asked to replace it", () => {
    const registry = isolated();
    assert.throws(() => registry.addServerParser({ ...parser, prefix: "TCP" }), EndpointPrefixInUseError);
    registry.addServerParser({ ...parser, prefix: "tcp" }, { replace: true });
    assert.ok(registry.serverFromString({}, "tcp:1") instanceof Recording);
  });

  it("keeps registries apart: the default one is not touched by another", () => {
    const registry = isolated();
    registry.addServerParser(parser);
    assert.throws(() => serverFromString({}, "memq:x"), UnknownEndpointTypeError);
    assert.equal(defaultEndpointRegistry.serverParser("memq"), undefined);
  });

  it("gives the TLS endpoints the provider registered on it", () => {
    const slot = { tlsProvider: null };
    const registry = addBuiltinParsers(new EndpointRegistry({ tls: slot }));
    const seen: unknown[] = [];
    registry.tlsProvider = {
      name: "fake",
      serverContextFromDescription: (d) => ({ server: d }),
      clientContextFromDescription: (d) => ({ client: d.hostname }),
      listenSSL: () => {
        throw new Error("unused");
      },
      connectSSL: (_r, host, port, _f, context, options) => {
        seen.push([host, port, context, options]);
        throw new RangeError("stop here");
      },
      wrapClientFactory: () => {
        throw new Error("unused");
      },
    };
    assert.equal(slot.tlsProvider, registry.tlsProvider);
    const d = registry.clientFromString(new MemoryReactorClock(), "ssl:example.com:443:timeout=5").connect(new KeepingFactory(Recorder));
    failureResultOf(d, RangeError);
    assert.deepEqual(seen, [["example.com", 443, { client: "example.com" }, { timeout: 5, bindAddress: null }]]);
  });

  it("rejects a prefix that cannot be written in a description", () => {
    assert.throws(() => isolated().addServerParser({ ...parser, prefix: "a:b" }), TypeError);
  });
});

describe("description syntax errors", () => {
  it("are EndpointSyntaxErrors naming the description", () => {
    assert.throws(
      () => serverFromString({}, "tcp:80\\"),
      (e: unknown) => e instanceof EndpointSyntaxError && e.message.includes("tcp:80"),
    );
  });
});
