import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IAddress, IProtocol, IProtocolFactory, ITransport } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { ConnectionCompleter, MemoryReactorClock, failureResultOf, successResultOf } from "@torsion/testing";
import {
  SSL4ClientEndpoint,
  SSL4ServerEndpoint,
  TCP4ClientEndpoint,
  TLSNotAvailableError,
  registerTLSProvider,
  wrapClientTLS,
  type ITLSProvider,
  type ITLSWrapperProtocol,
  type ServerTLSDescription,
  type TLSProviderSlot,
} from "@torsion/endpoints";
import { Echo, KeepingFactory, Recorder } from "./helpers.js";

/** A stand-in TLS layer: passes bytes through unchanged, records what it was given. */
class PassThrough implements ITLSWrapperProtocol {
  transport: ITransport | null = null;
  constructor(
    readonly wrappedProtocol: IProtocol,
    readonly creator: object,
  ) {}
  makeConnection(transport: ITransport): void {
    this.transport = transport;
    this.connectionMade();
  }
  connectionMade(): void {
    this.wrappedProtocol.makeConnection(this.transport as ITransport);
  }
  dataReceived(data: Buffer): void {
    this.wrappedProtocol.dataReceived(data);
  }
  connectionLost(reason: Failure): void {
    this.wrappedProtocol.connectionLost(reason);
  }
}

function fakeProvider(log: unknown[]): ITLSProvider {
  return {
    name: "pass-through",
    serverContextFromDescription: (d) => ({ from: d.kind }),
    clientContextFromDescription: (d) => ({ from: d.hostname }),
    listenSSL: (reactor, port, factory, context, options) => {
      log.push(["listenSSL", port, context, options]);
      return (reactor as MemoryReactorClock).listenTCP(port, factory, options);
    },
    connectSSL: (reactor, host, port, factory, context, options) => {
      log.push(["connectSSL", host, port, context, options]);
      return (reactor as MemoryReactorClock).connectTCP(host, port, factory, { timeout: options.timeout });
    },
    wrapClientFactory: (creator, factory: IProtocolFactory) => ({
      buildProtocol: (addr: IAddress) => {
        const inner = factory.buildProtocol(addr);
        return inner === null ? null : new PassThrough(inner, creator);
      },
      doStart: () => factory.doStart(),
      doStop: () => factory.doStop(),
    }),
  };
}

const serverDescription = (): ServerTLSDescription => ({
  kind: "server",
  privateKey: { path: "k.pem", pem: Buffer.from("k") },
  certificate: { path: "c.pem", pem: Buffer.from("c") },
  extraCertChain: null,
  dhParameters: null,
  sslmethod: null,
});

describe("the TLS endpoints", () => {
  it("fail with TLSNotAvailableError, never throw, while no provider is registered", () => {
    const tls: TLSProviderSlot = { tlsProvider: null };
    const reactor = new MemoryReactorClock();
    failureResultOf(
      new SSL4ServerEndpoint(reactor, 443, serverDescription(), { tls }).listen(new KeepingFactory(Echo)),
      TLSNotAvailableError,
    );
    failureResultOf(new SSL4ClientEndpoint(reactor, "h", 443, {}, { tls }).connect(new KeepingFactory(Recorder)), TLSNotAvailableError);
    failureResultOf(
      wrapClientTLS({}, new TCP4ClientEndpoint(reactor, "h", 443), tls).connect(new KeepingFactory(Recorder)),
      TLSNotAvailableError,
    );
    assert.equal(reactor.tcpClients.length, 0);
  });

  it("listen through the provider, turning a parsed description into its context factory", () => {
    const log: unknown[] = [];
    const tls: TLSProviderSlot = { tlsProvider: fakeProvider(log) };
    const reactor = new MemoryReactorClock();
    successResultOf(
      new SSL4ServerEndpoint(reactor, 443, serverDescription(), { tls, interface: "127.0.0.1" }).listen(new KeepingFactory(Echo)),
    );
    const own = { mine: true };
    successResultOf(new SSL4ServerEndpoint(reactor, 444, own, { tls }).listen(new KeepingFactory(Echo)));
    assert.deepEqual(log, [
      ["listenSSL", 443, { from: "server" }, { backlog: 50, interface: "127.0.0.1" }],
      ["listenSSL", 444, own, { backlog: 50, interface: "" }],
    ]);
  });

  it("connect with SSL4ClientEndpoint through the provider's connectSSL", () => {
    const log: unknown[] = [];
    const tls: TLSProviderSlot = { tlsProvider: fakeProvider(log) };
    const reactor = new MemoryReactorClock();
    const d = new SSL4ClientEndpoint(reactor, "example.com", 443, { opaque: 1 }, { tls, timeout: 3 }).connect(new KeepingFactory(Recorder));
    new ConnectionCompleter(reactor).succeedOnce();
    assert.deepEqual(successResultOf(d).events, ["connectionMade"]);
    assert.deepEqual(log, [["connectSSL", "example.com", 443, { opaque: 1 }, { timeout: 3, bindAddress: null }]]);
  });

  it("wrapClientTLS fires with the inner protocol, the TLS layer between it and the transport", () => {
    const tls: TLSProviderSlot = { tlsProvider: fakeProvider([]) };
    const reactor = new MemoryReactorClock();
    const creator = { creator: true };
    const d = wrapClientTLS(creator, new TCP4ClientEndpoint(reactor, "example.com", 443), tls).connect(new KeepingFactory(Recorder));
    const outer = new ConnectionCompleter(reactor).succeedOnce() as unknown as { wrappedProtocol: PassThrough };
    const inner = successResultOf(d);
    assert.ok(inner instanceof Recorder);
    assert.equal(outer.wrappedProtocol.wrappedProtocol, inner);
    assert.equal(outer.wrappedProtocol.creator, creator);
  });

  it("use the process-wide provider registered with registerTLSProvider by default", () => {
    const previous = registerTLSProvider(fakeProvider([]));
    try {
      const reactor = new MemoryReactorClock();
      const d = new SSL4ClientEndpoint(reactor, "h", 443, {}).connect(new KeepingFactory(Recorder));
      new ConnectionCompleter(reactor).succeedOnce();
      assert.ok(successResultOf(d) instanceof Recorder);
    } finally {
      registerTLSProvider(previous);
    }
  });
});
