import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CannotListenError,
  ClientFactory,
  DatagramProtocol,
  Factory,
  IPv4Address,
  IPv6Address,
  Protocol,
  ReactorAlreadyRunning,
  InvalidEventPhaseError,
  ReactorNotRunning,
  UNIXAddress,
  UnknownTriggerError,
  type EventPhase,
  type IConnector,
} from "@torsion/core";
import { Deferred, setErrorReporter } from "@torsion/defer";
import { FakeDatagramTransport, MemoryReactor, MemoryReactorClock } from "@torsion/testing";

class Recording extends ClientFactory {
  readonly started: IConnector[] = [];
  override startedConnecting(connector: IConnector): void {
    this.started.push(connector);
  }
}

describe("MemoryReactor, TCP", () => {
  it("records listenTCP with defaults and returns a listening port reporting the port", () => {
    const reactor = new MemoryReactor();
    const factory = Factory.forProtocol(Protocol);
    const port = reactor.listenTCP(8080, factory);
    assert.deepEqual(reactor.tcpServers, [{ port: 8080, factory, backlog: 50, interface: "" }]);
    assert.ok(port.getHost().equals(new IPv4Address("TCP", "0.0.0.0", 8080)));
    assert.equal(factory.numPorts, 1);
    port.stopListening();
    assert.equal(factory.numPorts, 0);
  });

  it("records the backlog and interface options, and an IPv6 interface gives an IPv6 host", () => {
    const reactor = new MemoryReactor();
    const factory = Factory.forProtocol(Protocol);
    const port = reactor.listenTCP(1, factory, { backlog: 5, interface: "::1" });
    assert.deepEqual(reactor.tcpServers[0], { port: 1, factory, backlog: 5, interface: "::1" });
    assert.ok(port.getHost() instanceof IPv6Address);
  });

  it("throws CannotListenError for a port outside 0..65535 and records nothing, as the real reactor", () => {
    const reactor = new MemoryReactor();
    assert.throws(() => reactor.listenTCP(65536, Factory.forProtocol(Protocol)), CannotListenError);
    assert.throws(() => reactor.listenTCP(1.5, Factory.forProtocol(Protocol)), CannotListenError);
    assert.equal(reactor.tcpServers.length, 0);
    assert.equal(reactor.ports.length, 0);
  });

  it("gives port 0 a distinct fake port number per listen", () => {
    const reactor = new MemoryReactor();
    const a = reactor.listenTCP(0, Factory.forProtocol(Protocol)).getHost();
    const b = reactor.listenTCP(0, Factory.forProtocol(Protocol)).getHost();
    assert.ok(a.port > 0);
    assert.notEqual(a.port, b.port);
    assert.equal(reactor.tcpServers[0]?.port, 0);
    assert.equal(reactor.ports.length, 2);
  });

  it("records connectTCP, calls startedConnecting and returns a connecting connector", () => {
    const reactor = new MemoryReactor();
    const factory = new Recording();
    const connector = reactor.connectTCP("127.0.0.1", 25, factory, { timeout: 5, bindAddress: ["127.0.0.1", 0] });
    assert.deepEqual(reactor.tcpClients, [{ host: "127.0.0.1", port: 25, factory, timeout: 5, bindAddress: ["127.0.0.1", 0] }]);
    assert.deepEqual(reactor.connectors, [connector]);
    assert.deepEqual(factory.started, [connector]);
    assert.equal(connector.state, "connecting");
    assert.ok(connector.getDestination().equals(new IPv4Address("TCP", "127.0.0.1", 25)));
  });

  it("uses a 30 s timeout and no bindAddress by default", () => {
    const reactor = new MemoryReactor();
    reactor.connectTCP("::1", 1, new Recording());
    assert.equal(reactor.tcpClients[0]?.timeout, 30);
    assert.equal(reactor.tcpClients[0]?.bindAddress, null);
    assert.ok(reactor.connectors[0]?.getDestination() instanceof IPv6Address);
  });
});

describe("MemoryReactor, SSL", () => {
  it("records listenSSL with its context factory and defaults, and returns a listening port", () => {
    const reactor = new MemoryReactor();
    const factory = Factory.forProtocol(Protocol);
    const contextFactory = { server: true };
    const port = reactor.listenSSL(0, factory, contextFactory);
    assert.deepEqual(reactor.sslServers, [{ port: 0, factory, contextFactory, backlog: 50, interface: "" }]);
    assert.equal(reactor.sslServers[0]?.contextFactory, contextFactory);
    assert.deepEqual(reactor.tcpServers, [], "not recorded as plain TCP");
    assert.deepEqual(reactor.ports, [port]);
    const host = port.getHost();
    assert.ok(host instanceof IPv4Address && host.host === "0.0.0.0" && host.port >= 40000);
  });

  it("listenSSL on a bad port throws CannotListenError and records nothing", () => {
    const reactor = new MemoryReactor();
    assert.throws(() => reactor.listenSSL(65536, Factory.forProtocol(Protocol), {}), CannotListenError);
    assert.deepEqual(reactor.sslServers, []);
  });

  it("records connectSSL with its context factory, calls startedConnecting and returns a connecting connector", () => {
    const reactor = new MemoryReactor();
    const factory = new Recording();
    const contextFactory = { client: true };
    const connector = reactor.connectSSL("localhost", 443, factory, contextFactory, { timeout: 7 });
    assert.deepEqual(reactor.sslClients, [{ host: "localhost", port: 443, factory, contextFactory, timeout: 7, bindAddress: null }]);
    assert.deepEqual(reactor.tcpClients, [], "not recorded as plain TCP");
    assert.deepEqual(reactor.connectors, [connector]);
    assert.deepEqual(factory.started, [connector]);
    assert.equal(connector.state, "connecting");
  });
});

describe("MemoryReactor, UDP and Unix", () => {
  it("records listenUDP and connects the protocol to a FakeDatagramTransport", () => {
    const reactor = new MemoryReactor();
    const protocol = new DatagramProtocol();
    const transport = reactor.listenUDP(5353, protocol, { interface: "127.0.0.1", maxPacketSize: 512 });
    assert.deepEqual(reactor.udpPorts, [{ port: 5353, protocol, interface: "127.0.0.1", maxPacketSize: 512 }]);
    assert.ok(transport instanceof FakeDatagramTransport);
    assert.equal(protocol.transport, transport);
    assert.equal(protocol.numPorts, 1);
    assert.ok(transport.getHost().equals(new IPv4Address("UDP", "127.0.0.1", 5353)));
    transport.stopListening();
    assert.equal(protocol.numPorts, 0);
  });

  it("records listenUNIX and connectUNIX with their defaults", () => {
    const reactor = new MemoryReactor();
    const serverFactory = Factory.forProtocol(Protocol);
    const port = reactor.listenUNIX("/tmp/x.sock", serverFactory);
    assert.deepEqual(reactor.unixServers, [{ address: "/tmp/x.sock", factory: serverFactory, backlog: 50, mode: 0o666, wantPID: false }]);
    assert.ok(port.getHost().equals(new UNIXAddress("/tmp/x.sock")));
    const clientFactory = new Recording();
    const connector = reactor.connectUNIX("/tmp/x.sock", clientFactory, { timeout: 3, checkPID: true });
    assert.deepEqual(reactor.unixClients, [{ address: "/tmp/x.sock", factory: clientFactory, timeout: 3, checkPID: true }]);
    assert.deepEqual(clientFactory.started, [connector]);
    assert.ok(connector.getDestination().equals(new UNIXAddress("/tmp/x.sock")));
  });
});

describe("MemoryReactor, core", () => {
  it("run runs the when-running hooks in order with their arguments, then stops", { timeout: 5_000 }, async () => {
    const reactor = new MemoryReactor();
    const log: string[] = [];
    reactor.callWhenRunning((a: string) => void log.push(`${a} running=${reactor.running}`), "first");
    reactor.callWhenRunning(() => void log.push("second"));
    assert.deepEqual(log, []);
    await reactor.run();
    assert.deepEqual(log, ["first running=true", "second"]);
    assert.equal(reactor.running, false);
    assert.deepEqual([reactor.hasRun, reactor.hasStopped], [true, true]);
  });

  it("runs callWhenRunning at once while running", { timeout: 5_000 }, async () => {
    const reactor = new MemoryReactor();
    const log: string[] = [];
    reactor.callWhenRunning(() => reactor.callWhenRunning(() => void log.push("nested")));
    await reactor.run();
    assert.deepEqual(log, ["nested"]);
  });

  it("throws ReactorAlreadyRunning for run while running and ReactorNotRunning for stop while stopped", { timeout: 5_000 }, async () => {
    const reactor = new MemoryReactor();
    assert.throws(() => reactor.stop(), ReactorNotRunning);
    let inner: unknown = null;
    reactor.callWhenRunning(() => {
      try {
        void reactor.run();
      } catch (error) {
        inner = error;
      }
    });
    await reactor.run();
    assert.ok(inner instanceof ReactorAlreadyRunning);
  });

  it("a hook may stop the reactor itself", { timeout: 5_000 }, async () => {
    const reactor = new MemoryReactor();
    reactor.callWhenRunning(() => reactor.stop());
    await reactor.run();
    assert.equal(reactor.hasStopped, true);
  });

  it("crash marks the reactor crashed", () => {
    const reactor = new MemoryReactor();
    reactor.crash();
    assert.equal(reactor.hasCrashed, true);
    assert.equal(reactor.running, false);
  });

  it("records system event triggers, runs them phase by phase, and consumes them", () => {
    const reactor = new MemoryReactor();
    const log: string[] = [];
    reactor.addSystemEventTrigger("after", "shutdown", () => void log.push("after"));
    reactor.addSystemEventTrigger("during", "shutdown", (x: number) => void log.push(`during ${x}`), 1);
    reactor.addSystemEventTrigger("before", "shutdown", () => void log.push("before"));
    reactor.addSystemEventTrigger("before", "startup", () => void log.push("startup"));
    assert.equal(reactor.triggers.length, 4);
    assert.equal(reactor.fireSystemEvent("shutdown").peek().state, "succeeded");
    assert.deepEqual(log, ["before", "during 1", "after"]);
    assert.equal(reactor.triggers.length, 1);
    reactor.fireSystemEvent("shutdown");
    assert.deepEqual(log, ["before", "during 1", "after"], "a trigger runs once (the old fake ran it again)");
  });

  it("throws UnknownTriggerError and InvalidEventPhaseError, as NodeReactor (the old fake threw plain Errors)", () => {
    const reactor = new MemoryReactor();
    const id = reactor.addSystemEventTrigger("during", "shutdown", () => undefined);
    reactor.removeSystemEventTrigger(id);
    assert.equal(reactor.triggers.length, 0);
    assert.throws(() => reactor.removeSystemEventTrigger(id), UnknownTriggerError);
    assert.throws(() => reactor.addSystemEventTrigger("whenever" as EventPhase, "shutdown", () => undefined), InvalidEventPhaseError);
  });

  it("returns a trigger id from callWhenRunning before it runs, which removes the callback", { timeout: 5_000 }, async () => {
    const reactor = new MemoryReactor();
    const log: string[] = [];
    const id = reactor.callWhenRunning(() => void log.push("removed"));
    reactor.callWhenRunning(() => void log.push("kept"));
    assert.equal(typeof id, "number");
    reactor.removeSystemEventTrigger(id as number);
    await reactor.run();
    assert.deepEqual(log, ["kept"]);
  });

  it("waits for a Deferred returned by a before trigger and reports a throwing trigger", () => {
    const reactor = new MemoryReactor();
    const log: string[] = [];
    const reports: string[] = [];
    const previous = setErrorReporter((failure, context) => void reports.push(`${context}: ${failure.value.message}`));
    try {
      const gate = new Deferred<void>();
      reactor.addSystemEventTrigger("before", "custom", () => gate);
      reactor.addSystemEventTrigger("during", "custom", () => {
        throw new Error("boom");
      });
      reactor.addSystemEventTrigger("after", "custom", () => void log.push("after"));
      const fired = reactor.fireSystemEvent("custom");
      assert.deepEqual(log, []);
      assert.equal(fired.peek().state, "pending");
      gate.callback(undefined);
      assert.deepEqual(log, ["after"]);
      assert.equal(fired.peek().state, "succeeded");
      assert.equal(reports.length, 1);
      assert.match(reports[0] ?? "", /boom/);
    } finally {
      setErrorReporter(previous);
    }
  });

  it("fires startup and shutdown around run, with running true only in between", { timeout: 5_000 }, async () => {
    const reactor = new MemoryReactor();
    const log: string[] = [];
    for (const event of ["startup", "shutdown"]) {
      for (const phase of ["before", "during", "after"] as const) {
        reactor.addSystemEventTrigger(phase, event, () => void log.push(`${phase} ${event} ${reactor.running}`));
      }
    }
    await reactor.run();
    assert.deepEqual(log, [
      "before startup false",
      "during startup true",
      "after startup true",
      "before shutdown true",
      "during shutdown false",
      "after shutdown false",
    ]);
  });
});

describe("MemoryReactorClock", () => {
  it("is a MemoryReactor with a Clock", () => {
    const reactor = new MemoryReactorClock();
    const times: number[] = [];
    reactor.callLater(2, () => void times.push(reactor.seconds()));
    assert.equal(reactor.getDelayedCalls().length, 1);
    reactor.advance(1);
    reactor.pump([1, 1]);
    assert.deepEqual(times, [2]);
    assert.equal(reactor.seconds(), 3);
    reactor.listenTCP(1, Factory.forProtocol(Protocol));
    assert.equal(reactor.tcpServers.length, 1);
  });
});
