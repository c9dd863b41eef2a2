import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CannotListenError,
  ConnectingCancelledError,
  ConnectionRefusedError,
  DNSLookupError,
  IPv4Address,
  TimeoutError,
  type IListeningPort,
} from "@torsion/core";
import { Deferred, succeed } from "@torsion/defer";
import { NodeReactor } from "@torsion/reactor";
import { ConnectionCompleter, MemoryReactor, MemoryReactorClock, assertNoResult, failureResultOf, successResultOf } from "@torsion/testing";
import {
  NoProtocol,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  TCP6ClientEndpoint,
  TCP6ServerEndpoint,
  connectProtocol,
  type HostnameResolver,
} from "@torsion/endpoints";
import { Echo, KeepingFactory, Recorder, failureOf, waitFor } from "./helpers.js";

describe("TCP server endpoints", () => {
  it("listen with listenTCP on the port, backlog and interface given, and fire with the port", () => {
    const reactor = new MemoryReactor();
    const factory = new KeepingFactory(Echo);
    const port = successResultOf(new TCP4ServerEndpoint(reactor, 1234, { backlog: 7, interface: "127.0.0.1" }).listen(factory));
    assert.deepEqual(
      reactor.tcpServers.map(({ port, backlog, interface: i }) => [port, backlog, i]),
      [[1234, 7, "127.0.0.1"]],
    );
    assert.equal(reactor.tcpServers[0]?.factory, factory);
    assert.equal(port, reactor.ports[0]);
    assert.equal(factory.starts, 1);
  });

  it("default to backlog 50 on every IPv4 address (TCP4) or every IPv6 address (TCP6)", () => {
    const reactor = new MemoryReactor();
    new TCP4ServerEndpoint(reactor, 80).listen(new KeepingFactory(Echo));
    new TCP6ServerEndpoint(reactor, 81).listen(new KeepingFactory(Echo));
    assert.deepEqual(
      reactor.tcpServers.map((s) => [s.port, s.backlog, s.interface]),
      [
        [80, 50, ""],
        [81, 50, "::"],
      ],
    );
  });

  it("fail the Deferred with the CannotListenError listenTCP throws", async () => {
    const reactor = new NodeReactor({ installSignalHandlers: false });
    const first = await new TCP4ServerEndpoint(reactor, 0, { interface: "127.0.0.1" }).listen(new KeepingFactory(Echo));
    try {
      const { port } = first.getHost() as IPv4Address;
      const error = await failureOf(new TCP4ServerEndpoint(reactor, port, { interface: "127.0.0.1" }).listen(new KeepingFactory(Echo)));
      assert.ok(error instanceof CannotListenError, String(error));
    } finally {
      await first.stopListening();
    }
  });
});

describe("TCP client endpoints over MemoryReactor", () => {
  it("connect with connectTCP and fire with the factory's protocol after its connectionMade ran", () => {
    const reactor = new MemoryReactor();
    const factory = new KeepingFactory(Recorder);
    const d = new TCP4ClientEndpoint(reactor, "service.test", 80, { timeout: 9, bindAddress: ["127.0.0.2", 0] }).connect(factory);
    assert.deepEqual(
      reactor.tcpClients.map((c) => [c.host, c.port, c.timeout, c.bindAddress]),
      [["service.test", 80, 9, ["127.0.0.2", 0]]],
    );
    assertNoResult(d);
    new ConnectionCompleter(reactor).succeedOnce();
    const protocol = successResultOf(d);
    assert.equal(protocol, factory.built[0]);
    assert.deepEqual(protocol.events, ["connectionMade"]);
  });

  it("fires after connectionMade, so a callback sees a connected protocol", () => {
    const reactor = new MemoryReactor();
    const seen: string[][] = [];
    const d = new TCP4ClientEndpoint(reactor, "h", 1).connect(new KeepingFactory(Recorder));
    d.addCallback((p) => seen.push([...p.events]));
    new ConnectionCompleter(reactor).succeedOnce();
    assert.deepEqual(seen, [["connectionMade"]]);
  });

  it("default to a 30 second timeout and no bind address", () => {
    const reactor = new MemoryReactor();
    new TCP4ClientEndpoint(reactor, "h", 1).connect(new KeepingFactory(Recorder));
    assert.deepEqual([reactor.tcpClients[0]?.timeout, reactor.tcpClients[0]?.bindAddress], [30, null]);
  });

  it("fail with the connector's reason (ConnectionRefusedError, TimeoutError, ...)", () => {
    const reactor = new MemoryReactor();
    const completer = new ConnectionCompleter(reactor);
    const refused = new TCP4ClientEndpoint(reactor, "h", 1).connect(new KeepingFactory(Recorder));
    const timedOut = new TCP4ClientEndpoint(reactor, "h", 2).connect(new KeepingFactory(Recorder));
    completer.failOnce(new ConnectionRefusedError());
    completer.failOnce(new TimeoutError());
    assert.ok(failureResultOf(refused).value instanceof ConnectionRefusedError);
    assert.ok(failureResultOf(timedOut).value instanceof TimeoutError);
  });

  it("when cancelled, stop connecting and fail with ConnectingCancelledError naming the destination", () => {
    const reactor = new MemoryReactor();
    const d = new TCP4ClientEndpoint(reactor, "h", 1).connect(new KeepingFactory(Recorder));
    d.cancel();
    const failure = failureResultOf(d, ConnectingCancelledError);
    assert.match(failure.value.message, /host='h', port=1/);
    assert.equal(reactor.connectors[0]?.stoppedConnecting, true);
  });

  it("ignore a cancel after the connection was made", () => {
    const reactor = new MemoryReactor();
    const d = new TCP4ClientEndpoint(reactor, "h", 1).connect(new KeepingFactory(Recorder));
    new ConnectionCompleter(reactor).succeedOnce();
    d.cancel();
    assert.ok(successResultOf(d) instanceof Recorder);
  });

  it("fail with NoProtocol when buildProtocol returns null, and with what it throws", () => {
    const reactor = new MemoryReactor();
    const nothing = new TCP4ClientEndpoint(reactor, "h", 1).connect({ buildProtocol: () => null, doStart() {}, doStop() {} });
    const boom = new Error("boom");
    const throwing = new TCP4ClientEndpoint(reactor, "h", 2).connect({
      buildProtocol: () => {
        throw boom;
      },
      doStart() {},
      doStop() {},
    });
    const completer = new ConnectionCompleter(reactor);
    assert.equal(completer.succeedOnce(), null);
    assert.equal(completer.succeedOnce(), null);
    failureResultOf(nothing, NoProtocol);
    assert.equal(failureResultOf(throwing).value, boom);
  });

  it("fail (never throw) when connectTCP throws", () => {
    const broken = {
      listenTCP: () => {
        throw new Error("no");
      },
      connectTCP: () => {
        throw new RangeError("bad port");
      },
    };
    const d = new TCP4ClientEndpoint(broken, "h", 99999).connect(new KeepingFactory(Recorder));
    assert.ok(failureResultOf(d).value instanceof RangeError);
  });

  it("pass the half-close hooks through only when the protocol has them", () => {
    class HalfCloser extends Recorder {
      readConnectionLost(): void {
        this.events.push("readConnectionLost");
      }
      writeConnectionLost(): void {
        this.events.push("writeConnectionLost");
      }
    }
    const reactor = new MemoryReactor();
    new TCP4ClientEndpoint(reactor, "h", 1).connect(new KeepingFactory(HalfCloser));
    new TCP4ClientEndpoint(reactor, "h", 2).connect(new KeepingFactory(Recorder));
    const completer = new ConnectionCompleter(reactor);
    const wrapper = completer.succeedOnce() as unknown as {
      readConnectionLost(): void;
      writeConnectionLost(): void;
      wrappedProtocol: Recorder;
    };
    const plain = completer.succeedOnce() as unknown as Record<string, unknown>;
    wrapper.readConnectionLost();
    wrapper.writeConnectionLost();
    assert.deepEqual(wrapper.wrappedProtocol.events, ["connectionMade", "readConnectionLost", "writeConnectionLost"]);
    assert.equal(typeof plain.readConnectionLost, "undefined");
  });
});

describe("TCP6ClientEndpoint", () => {
  it("connects to an IPv6 literal without resolving", () => {
    const reactor = new MemoryReactor();
    const resolver: HostnameResolver = () => {
      throw new Error("must not resolve");
    };
    new TCP6ClientEndpoint(reactor, "::1", 80, { resolver }).connect(new KeepingFactory(Recorder));
    assert.deepEqual(
      reactor.tcpClients.map((c) => [c.host, c.port]),
      [["::1", 80]],
    );
  });

  it("resolves a name for IPv6 only and connects to the first IPv6 address", () => {
    const reactor = new MemoryReactor();
    const asked: unknown[] = [];
    const resolver: HostnameResolver = (host, options) => {
      asked.push([host, options.family]);
      return succeed([
        { address: "2001:db8::1", family: 6 as const },
        { address: "2001:db8::2", family: 6 as const },
      ]);
    };
    new TCP6ClientEndpoint(reactor, "example.com", 443, { resolver, timeout: 5 }).connect(new KeepingFactory(Recorder));
    assert.deepEqual(asked, [["example.com", 6]]);
    assert.deepEqual(
      reactor.tcpClients.map((c) => [c.host, c.port, c.timeout]),
      [["2001:db8::1", 443, 5]],
    );
  });

  it("fails with DNSLookupError when the lookup fails or finds nothing", () => {
    const reactor = new MemoryReactor();
    const failing = new TCP6ClientEndpoint(reactor, "nx.example", 1, {
      resolver: () => {
        throw new Error("ENOTFOUND");
      },
    });
    const empty = new TCP6ClientEndpoint(reactor, "empty.example", 1, { resolver: () => [] });
    failureResultOf(failing.connect(new KeepingFactory(Recorder)), DNSLookupError);
    failureResultOf(empty.connect(new KeepingFactory(Recorder)), DNSLookupError);
    assert.equal(reactor.tcpClients.length, 0);
  });

  it("can be cancelled during the lookup", () => {
    const reactor = new MemoryReactor();
    const answer = new Deferred<{ address: string; family: 6 }[]>();
    const d = new TCP6ClientEndpoint(reactor, "slow.example", 1, { resolver: () => answer }).connect(new KeepingFactory(Recorder));
    d.cancel();
    failureResultOf(d, ConnectingCancelledError);
    answer.callback([{ address: "::1", family: 6 }]);
    assert.equal(reactor.tcpClients.length, 0);
  });
});

describe("TCP endpoints over real loopback", () => {
  const reactor = new NodeReactor({ installSignalHandlers: false });
  const ports: IListeningPort[] = [];
  after(async () => {
    for (const port of ports) await port.stopListening();
  });

  it("echo through a TCP4 server endpoint and a TCP4 client endpoint", async () => {
    const port = await new TCP4ServerEndpoint(reactor, 0, { interface: "127.0.0.1" }).listen(new KeepingFactory(Echo));
    ports.push(port);
    const { port: number } = port.getHost() as IPv4Address;
    const clients = new KeepingFactory(Recorder);
    const client = await new TCP4ClientEndpoint(reactor, "127.0.0.1", number).connect(clients);
    assert.deepEqual(client.events, ["connectionMade"]);
    assert.equal(clients.starts, 1, "the connector started the user's factory");
    client.write("hello endpoints");
    await waitFor(() => client.received.length === 15, 5000, "the echo");
    assert.equal(client.received.toString(), "hello endpoints");
    client.transport?.loseConnection();
    await waitFor(() => client.lost !== null && clients.stops === 1);
  });

  it("connect a given protocol instance with connectProtocol", async () => {
    const port = await new TCP4ServerEndpoint(reactor, 0, { interface: "127.0.0.1" }).listen(new KeepingFactory(Echo));
    ports.push(port);
    const mine = new Recorder();
    const got = await connectProtocol(new TCP4ClientEndpoint(reactor, "127.0.0.1", (port.getHost() as IPv4Address).port), mine);
    assert.equal(got, mine);
    mine.transport?.loseConnection();
    await waitFor(() => mine.lost !== null);
  });

  it("fail with ConnectionRefusedError when nothing listens", async () => {
    const port = await new TCP4ServerEndpoint(reactor, 0, { interface: "127.0.0.1" }).listen(new KeepingFactory(Echo));
    const { port: number } = port.getHost() as IPv4Address;
    await port.stopListening();
    const error = await failureOf(new TCP4ClientEndpoint(reactor, "127.0.0.1", number).connect(new KeepingFactory(Recorder)));
    assert.ok(error instanceof ConnectionRefusedError, String(error));
  });

  it("abort the attempt when cancelled before it connects, and stop the user's factory", async () => {
    const port = await new TCP4ServerEndpoint(reactor, 0, { interface: "127.0.0.1" }).listen(new KeepingFactory(Echo));
    ports.push(port);
    const clients = new KeepingFactory(Recorder);
    const d = new TCP4ClientEndpoint(reactor, "127.0.0.1", (port.getHost() as IPv4Address).port).connect(clients);
    d.cancel();
    const error = await failureOf(d);
    assert.ok(error instanceof ConnectingCancelledError, String(error));
    assert.deepEqual([clients.built.length, clients.starts, clients.stops], [0, 1, 1]);
  });

  it("echo over IPv6 loopback with the TCP6 endpoints", async (t) => {
    let port: IListeningPort;
    try {
      port = await new TCP6ServerEndpoint(reactor, 0, { interface: "::1" }).listen(new KeepingFactory(Echo));
    } catch (error) {
      t.skip(`no IPv6 loopback here: ${String(error)}`);
      return;
    }
    ports.push(port);
    const { port: number } = port.getHost() as IPv4Address;
    const client = await new TCP6ClientEndpoint(reactor, "::1", number).connect(new KeepingFactory(Recorder));
    client.write("six");
    await waitFor(() => client.received.length === 3);
    client.transport?.loseConnection();
    await waitFor(() => client.lost !== null);
  });
});

describe("MemoryReactorClock", () => {
  it("is enough for a client endpoint's whole life", () => {
    const reactor = new MemoryReactorClock();
    const d = new TCP4ClientEndpoint(reactor, "h", 1).connect(new KeepingFactory(Recorder));
    const protocol = new ConnectionCompleter(reactor).succeedOnce();
    assert.ok(protocol !== null);
    assert.ok(successResultOf(d) instanceof Recorder);
  });
});
