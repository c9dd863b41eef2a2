/**
 * The reactor contract: behaviour every reactor (`NodeReactor`) and every fake of one
 * (`MemoryReactorClock`) must show, as far as a fake can: time (`callLater`, `seconds`,
 * `getDelayedCalls`), system events and their triggers, `run`/`stop`, and what
 * `listenTCP`/`connectTCP` hand back. Register it with
 * `describeReactor(name, makeHarness)` inside a `node:test` file.
 *
 * This module imports `node:test` and `node:assert`; it is published at the
 * `@torsion/testing/contracts` subpath only, so the main entry point never loads them.
 */
import { describe, it as test } from "node:test";
import assert from "node:assert/strict";
import { Deferred } from "@torsion/defer";
import {
  AlreadyCalled,
  AlreadyCancelled,
  AlreadyListeningError,
  CannotListenError,
  ClientFactory,
  ConnectorBusyError,
  Factory,
  InvalidEventPhaseError,
  IPv4Address,
  IPv6Address,
  NotConnectingError,
  Protocol,
  ReactorAlreadyRunning,
  ReactorNotRunning,
  UnknownTriggerError,
  UserError,
  type EventPhase,
  type IAddress,
  type IConnector,
  type IReactorCore,
  type IReactorSSL,
  type IReactorTCP,
  type IReactorTime,
} from "@torsion/core";
import type { Failure } from "@torsion/defer";

/** A reactor under test and the means to drive it. */
export interface ReactorHarness {
  readonly reactor: IReactorCore & IReactorTime & IReactorTCP;
  /**
   * The length of one step of time in the clauses, in seconds: 1 for a fake clock, a few
   * milliseconds for a real reactor (so the suite stays fast).
   */
  readonly unit: number;
  /**
   * Lets `seconds` of the reactor's time pass and resolves once every call due by then
   * has run (a fake clock advances; a real reactor waits for a call of its own scheduled
   * `seconds` from now, which runs after the calls due before it).
   */
  advance(seconds: number): Promise<void>;
  /** Every error the reactor reported so far (through its error reporter), in order. */
  readonly reported: readonly unknown[];
  /** Releases the reactor (stops or crashes it, cancels what is pending). */
  close(): Promise<void>;
}

/** Builds a fresh harness for one clause. */
export type MakeReactorHarness = () => ReactorHarness;

/** Options of {@link describeReactor}. */
export interface ReactorContractOptions {
  /**
   * Clauses this reactor cannot be held to, by exact test title, each with the reason
   * (shown as the skip message). Naming a title that is not a clause throws.
   */
  readonly skip?: Readonly<Record<string, string>>;
  /**
   * TLS context factories for the `listenSSL`/`connectSSL` clauses (the reactor must then
   * implement `IReactorSSL`): a server `CertificateOptions` and a client one (e.g.
   * `optionsForClientTLS`), or any objects for a reactor that does not inspect them
   * (`MemoryReactor`). Without them those clauses are skipped, with that reason.
   */
  readonly ssl?: { readonly serverContext: () => object; readonly clientContext: () => object };
}

/** Float slack when comparing times computed by adding seconds. */
const EPSILON = 1e-9;

let skips: Readonly<Record<string, string>> = {};
const titles = new Set<string>();

function it(title: string, make: MakeReactorHarness, body: (h: ReactorHarness) => Promise<void> | void): void {
  titles.add(title);
  const reason = skips[title];
  const run = async (): Promise<void> => {
    const harness = make();
    try {
      await body(harness);
    } finally {
      await harness.close();
    }
  };
  if (reason === undefined) test(title, run);
  else test(title, { skip: reason }, run);
}

/** Registers the reactor contract for one reactor. */
export function describeReactor(name: string, make: MakeReactorHarness, options: ReactorContractOptions = {}): void {
  describe(`reactor contract: ${name}`, () => {
    skips = options.skip ?? {};
    titles.clear();
    describeTime(make);
    describeSystemEvents(make);
    describeRunAndStop(make);
    describeTCP(make);
    describeSSL(make, options.ssl);
    const unknown = Object.keys(skips).filter((title) => !titles.has(title));
    skips = {};
    if (unknown.length > 0) throw new Error(`no such reactor contract clause to skip: ${unknown.join(", ")}`);
  });
}

function describeTime(make: MakeReactorHarness): void {
  it("callLater runs the function once with its arguments, no earlier than its delay", make, async (h) => {
    const { reactor, unit } = h;
    const runs: [string, number, number][] = [];
    const start = reactor.seconds();
    const call = reactor.callLater(2 * unit, (a: string, b: number) => void runs.push([a, b, reactor.seconds()]), "a", 1);
    assert.ok(call.getTime() + EPSILON >= start + 2 * unit, "getTime() is when it will run");
    assert.equal(runs.length, 0, "never synchronously");
    await h.advance(3 * unit);
    assert.equal(runs.length, 1);
    const first = runs[0];
    assert.ok(first !== undefined);
    const [a, b, at] = first;
    assert.deepEqual([a, b], ["a", 1]);
    assert.ok(at + EPSILON >= call.getTime(), `ran at ${at}, scheduled for ${call.getTime()}`);
    assert.equal(call.active(), false);
  });

  it("calls run in time order, and calls due at the same time in scheduling order", make, async (h) => {
    const { reactor, unit } = h;
    const order: string[] = [];
    // A real reactor's clock moves while this runs (the process may even be descheduled
    // between two lines), so the expected order is computed from each call's getTime():
    // by time, ties (equal times, certain on a fake clock) in scheduling order.
    const calls = [
      ["late", 3],
      ["first", 1],
      ["tie 1", 2],
      ["tie 2", 2],
      ["tie 3", 2],
    ].map(([name, steps]) => ({
      name: name as string,
      call: reactor.callLater((steps as number) * unit, () => void order.push(name as string)),
    }));
    const expected = [...calls].sort((a, b) => a.call.getTime() - b.call.getTime()).map((c) => c.name);
    await h.advance(4 * unit);
    assert.deepEqual(order, expected);
  });

  it("a cancelled call never runs; cancelling again throws AlreadyCancelled, after running AlreadyCalled", make, async (h) => {
    const { reactor, unit } = h;
    let ran = 0;
    const cancelled = reactor.callLater(unit, () => {
      ran++;
    });
    const done = reactor.callLater(unit, () => undefined);
    cancelled.cancel();
    assert.equal(cancelled.active(), false);
    assert.throws(() => cancelled.cancel(), AlreadyCancelled);
    assert.throws(() => cancelled.reset(unit), AlreadyCancelled);
    await h.advance(2 * unit);
    assert.equal(ran, 0);
    assert.throws(() => done.cancel(), AlreadyCalled);
    assert.throws(() => done.delay(unit), AlreadyCalled);
  });

  it("getDelayedCalls lists the pending calls only, as a copy", make, async (h) => {
    const { reactor, unit } = h;
    const before = reactor.getDelayedCalls().length;
    const a = reactor.callLater(unit, () => undefined);
    const b = reactor.callLater(1000 * unit, () => undefined);
    const listed = reactor.getDelayedCalls();
    assert.equal(listed.length, before + 2);
    assert.ok(listed.includes(a) && listed.includes(b));
    listed.length = 0;
    assert.equal(reactor.getDelayedCalls().length, before + 2, "changing the list changes nothing");
    await h.advance(2 * unit);
    assert.ok(!reactor.getDelayedCalls().includes(a), "a call that ran is gone");
    b.cancel();
    assert.ok(!reactor.getDelayedCalls().includes(b), "a cancelled call is gone");
  });

  it("reset and delay move a pending call later", make, async (h) => {
    const { reactor, unit } = h;
    const ranAt = new Map<string, number>();
    const start = reactor.seconds();
    const reset = reactor.callLater(unit, () => void ranAt.set("reset", reactor.seconds()));
    reset.reset(3 * unit);
    const delayed = reactor.callLater(unit, () => void ranAt.set("delayed", reactor.seconds()));
    const original = delayed.getTime();
    delayed.delay(2 * unit);
    assert.ok(reset.getTime() + EPSILON >= start + 3 * unit, "reset counts from now");
    await h.advance(4 * unit);
    assert.equal(ranAt.size, 2);
    for (const at of ranAt.values()) assert.ok(at + EPSILON >= start + 3 * unit, `ran at ${at}, before ${start + 3 * unit}`);
    assert.ok((ranAt.get("delayed") ?? 0) + EPSILON >= original + 2 * unit, "delay pushed the call back by its amount");
  });

  it("a negative or NaN delay throws RangeError and schedules nothing", make, (h) => {
    const before = h.reactor.getDelayedCalls().length;
    assert.throws(() => h.reactor.callLater(-1, () => undefined), RangeError);
    assert.throws(() => h.reactor.callLater(Number.NaN, () => undefined), RangeError);
    assert.equal(h.reactor.getDelayedCalls().length, before);
  });

  it("an exception thrown by a call is reported, not propagated, and later calls still run", make, async (h) => {
    const { reactor, unit } = h;
    const boom = new Error("timed call bug");
    let later = false;
    reactor.callLater(unit, () => {
      throw boom;
    });
    reactor.callLater(unit, () => {
      later = true;
    });
    await h.advance(2 * unit);
    assert.equal(later, true);
    assert.ok(
      h.reported.some((e) => e === boom || (e as { value?: unknown }).value === boom),
      "the error was reported",
    );
  });

  it("seconds() never goes back", make, async (h) => {
    const first = h.reactor.seconds();
    await h.advance(h.unit);
    assert.ok(h.reactor.seconds() >= first + h.unit - EPSILON);
  });
}

function describeSystemEvents(make: MakeReactorHarness): void {
  it("fireSystemEvent runs before, during and after triggers in order, each with its arguments", make, (h) => {
    const { reactor } = h;
    const log: string[] = [];
    reactor.addSystemEventTrigger("after", "custom", (x: string) => void log.push(`after ${x}`), "c");
    reactor.addSystemEventTrigger("during", "custom", (x: string) => void log.push(`during ${x}`), "b");
    reactor.addSystemEventTrigger("before", "custom", (x: string) => void log.push(`before ${x}`), "a");
    reactor.addSystemEventTrigger("before", "other", () => void log.push("other event"));
    const fired = reactor.fireSystemEvent("custom");
    assert.deepEqual(log, ["before a", "during b", "after c"]);
    assert.equal(fired.peek().state, "succeeded");
  });

  it("triggers are one-shot: a second firing runs only triggers added since", make, (h) => {
    const { reactor } = h;
    const log: string[] = [];
    reactor.addSystemEventTrigger("during", "custom", () => void log.push("once"));
    reactor.fireSystemEvent("custom");
    reactor.addSystemEventTrigger("during", "custom", () => void log.push("new"));
    reactor.fireSystemEvent("custom");
    assert.deepEqual(log, ["once", "new"]);
  });

  it("during waits for a Deferred returned by a before trigger", make, (h) => {
    const { reactor } = h;
    const log: string[] = [];
    const gate = new Deferred<void>();
    reactor.addSystemEventTrigger("before", "custom", () => gate);
    reactor.addSystemEventTrigger("during", "custom", () => void log.push("during"));
    const fired = reactor.fireSystemEvent("custom");
    assert.deepEqual(log, []);
    assert.equal(fired.peek().state, "pending");
    gate.callback(undefined);
    assert.deepEqual(log, ["during"]);
    assert.equal(fired.peek().state, "succeeded");
  });

  it("a throwing trigger is reported and the firing goes on", make, (h) => {
    const { reactor } = h;
    const boom = new Error("trigger bug");
    const log: string[] = [];
    reactor.addSystemEventTrigger("during", "custom", () => {
      throw boom;
    });
    reactor.addSystemEventTrigger("after", "custom", () => void log.push("after"));
    assert.equal(reactor.fireSystemEvent("custom").peek().state, "succeeded");
    assert.deepEqual(log, ["after"]);
    assert.ok(h.reported.some((e) => e === boom || (e as { value?: unknown }).value === boom));
  });

  it("removeSystemEventTrigger removes a pending trigger and throws UnknownTriggerError for any other id", make, (h) => {
    const { reactor } = h;
    let ran = false;
    const id = reactor.addSystemEventTrigger("during", "custom", () => {
      ran = true;
    });
    reactor.removeSystemEventTrigger(id);
    reactor.fireSystemEvent("custom");
    assert.equal(ran, false);
    assert.throws(() => reactor.removeSystemEventTrigger(id), UnknownTriggerError);
    const fired = reactor.addSystemEventTrigger("during", "custom", () => undefined);
    reactor.fireSystemEvent("custom");
    assert.throws(() => reactor.removeSystemEventTrigger(fired), UnknownTriggerError, "a trigger that ran is gone");
    assert.throws(() => reactor.removeSystemEventTrigger(987_654_321), UnknownTriggerError);
  });

  it("addSystemEventTrigger rejects an unknown phase with InvalidEventPhaseError and a non-function with TypeError", make, (h) => {
    assert.throws(() => h.reactor.addSystemEventTrigger("whenever" as EventPhase, "custom", () => undefined), InvalidEventPhaseError);
    assert.throws(() => h.reactor.addSystemEventTrigger("during", "custom", "nope" as unknown as () => void), TypeError);
  });
}

function describeRunAndStop(make: MakeReactorHarness): void {
  it("run fires startup, then the callWhenRunning callbacks; stop fires shutdown; running is true in between", make, async (h) => {
    const { reactor } = h;
    const log: string[] = [];
    for (const event of ["startup", "shutdown"]) {
      for (const phase of ["before", "during", "after"] as const) {
        reactor.addSystemEventTrigger(phase, event, () => void log.push(`${phase} ${event} ${reactor.running}`));
      }
    }
    const id = reactor.callWhenRunning((x: string) => {
      log.push(`when running ${x} ${reactor.running}`);
      reactor.callWhenRunning(() => void log.push("at once while running"));
      reactor.stop();
    }, "x");
    assert.equal(typeof id, "number", "callWhenRunning before run returns a trigger id");
    assert.equal(reactor.running, false);
    await reactor.run();
    assert.equal(reactor.running, false);
    assert.deepEqual(log, [
      "before startup false",
      "during startup true",
      "after startup true",
      "when running x true",
      "at once while running",
      "before shutdown true",
      "during shutdown false",
      "after shutdown false",
    ]);
  });

  it("stop on a reactor that is not running throws ReactorNotRunning; run while running throws ReactorAlreadyRunning", make, async (h) => {
    const { reactor } = h;
    assert.throws(() => reactor.stop(), ReactorNotRunning);
    let inner: unknown = null;
    reactor.callWhenRunning(() => {
      try {
        void reactor.run();
      } catch (error) {
        inner = error;
      }
      reactor.stop();
    });
    await reactor.run();
    assert.ok(inner instanceof ReactorAlreadyRunning, `run while running threw ${String(inner)}`);
  });

  it("a callWhenRunning callback removed before run does not run", make, async (h) => {
    const { reactor } = h;
    const log: string[] = [];
    const id = reactor.callWhenRunning(() => void log.push("removed"));
    reactor.callWhenRunning(() => {
      log.push("kept");
      reactor.stop();
    });
    reactor.removeSystemEventTrigger(id as number);
    await reactor.run();
    assert.deepEqual(log, ["kept"]);
  });
}

class Recording extends ClientFactory {
  readonly events: string[] = [];
  failure: Failure | null = null;
  connector: IConnector | null = null;
  constructor() {
    super();
    this.noisy = false;
  }
  override startedConnecting(connector: IConnector): void {
    this.connector = connector;
    this.events.push(`startedConnecting ${connector.state}`);
  }
  override startFactory(): void {
    this.events.push("startFactory");
  }
  override stopFactory(): void {
    this.events.push("stopFactory");
  }
  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    this.failure = reason;
    this.events.push("clientConnectionFailed");
  }
}

function portOf(address: IAddress): number {
  assert.ok(address instanceof IPv4Address || address instanceof IPv6Address, `an IP address, not ${String(address)}`);
  return address.port;
}

function serverFactory(): Factory {
  const factory = Factory.forProtocol(Protocol);
  factory.noisy = false;
  return factory;
}

const NO_SSL = "the harness gives no TLS context factories (ReactorContractOptions.ssl)";

function describeSSL(make: MakeReactorHarness, ssl: ReactorContractOptions["ssl"]): void {
  const sslOf = (h: ReactorHarness): IReactorSSL => {
    const reactor = h.reactor as Partial<IReactorSSL>;
    assert.equal(typeof reactor.listenSSL, "function", "the reactor implements IReactorSSL");
    return reactor as IReactorSSL;
  };
  const clause = (title: string, body: (h: ReactorHarness, contexts: NonNullable<typeof ssl>) => Promise<void> | void): void => {
    if (ssl === undefined && skips[title] === undefined) skips = { ...skips, [title]: NO_SSL };
    it(title, make, (h) => {
      if (ssl === undefined) throw new Error(NO_SSL);
      return body(h, ssl);
    });
  };
  clause("listenSSL(0) returns a listening port whose getHost reports the chosen TCP port, and starts the factory", async (h, contexts) => {
    const factory = serverFactory();
    const port = sslOf(h).listenSSL(0, factory, contexts.serverContext(), { interface: "127.0.0.1" });
    const host = port.getHost() as { type?: string; host?: string; port?: number };
    assert.deepEqual([host.type, host.host], ["TCP", "127.0.0.1"]);
    assert.ok(typeof host.port === "number" && host.port > 0 && host.port <= 65535, `port ${String(host.port)}`);
    assert.equal(factory.numPorts, 1);
    await port.stopListening();
    assert.equal(factory.numPorts, 0);
  });

  clause("listenSSL on a port outside 0..65535 throws CannotListenError synchronously", (h, contexts) => {
    assert.throws(
      () => sslOf(h).listenSSL(70_000, serverFactory(), contexts.serverContext(), { interface: "127.0.0.1" }),
      CannotListenError,
    );
  });

  clause("connectSSL returns a connecting connector, reported to startedConnecting, with its TCP destination", async (h, contexts) => {
    const reactor = sslOf(h);
    const port = reactor.listenSSL(0, serverFactory(), contexts.serverContext(), { interface: "127.0.0.1" });
    const number = portOf(port.getHost());
    const factory = new Recording();
    const connector = reactor.connectSSL("127.0.0.1", number, factory, contexts.clientContext());
    assert.equal(connector.state, "connecting");
    assert.equal(factory.connector, connector);
    assert.deepEqual(factory.events, ["startFactory", "startedConnecting connecting"]);
    const destination = connector.getDestination() as { type?: string; host?: string; port?: number };
    assert.deepEqual([destination.type, destination.host, destination.port], ["TCP", "127.0.0.1", number]);
    connector.stopConnecting();
    assert.ok(factory.failure?.value instanceof UserError, `failed with ${String(factory.failure?.value)}`);
    await port.stopListening();
  });
}

function describeTCP(make: MakeReactorHarness): void {
  it("listenTCP(0) returns a listening port whose getHost reports the chosen port, and starts the factory", make, async (h) => {
    const factory = serverFactory();
    const port = h.reactor.listenTCP(0, factory, { interface: "127.0.0.1" });
    const host = port.getHost() as { type?: string; host?: string; port?: number };
    assert.equal(host.type, "TCP");
    assert.equal(host.host, "127.0.0.1");
    assert.ok(typeof host.port === "number" && host.port > 0 && host.port <= 65535, `port ${String(host.port)}`);
    assert.equal(factory.numPorts, 1);
    await port.stopListening();
  });

  it("stopListening returns a Deferred that fires once stopped (the factory stopped), and an already-fired one again", make, async (h) => {
    const factory = serverFactory();
    const port = h.reactor.listenTCP(0, factory, { interface: "127.0.0.1" });
    const stopped = port.stopListening();
    assert.ok(stopped instanceof Deferred);
    await stopped;
    assert.equal(factory.numPorts, 0);
    const again = port.stopListening();
    assert.ok(again instanceof Deferred);
    assert.equal(again.peek().state, "succeeded");
  });

  it("startListening throws AlreadyListeningError while listening and listens again after stopListening", make, async (h) => {
    const factory = serverFactory();
    const port = h.reactor.listenTCP(0, factory, { interface: "127.0.0.1" });
    assert.throws(() => port.startListening(), AlreadyListeningError);
    await port.stopListening();
    port.startListening();
    assert.equal(factory.numPorts, 1);
    await port.stopListening();
  });

  it("listenTCP on a port outside 0..65535 throws CannotListenError synchronously", make, (h) => {
    assert.throws(() => h.reactor.listenTCP(70_000, serverFactory(), { interface: "127.0.0.1" }), CannotListenError);
    assert.throws(() => h.reactor.listenTCP(-1, serverFactory(), { interface: "127.0.0.1" }), CannotListenError);
  });

  it("connectTCP returns a connecting connector, reported to startedConnecting, with its destination", make, async (h) => {
    const port = h.reactor.listenTCP(0, serverFactory(), { interface: "127.0.0.1" });
    const number = portOf(port.getHost());
    const factory = new Recording();
    const connector = h.reactor.connectTCP("127.0.0.1", number, factory);
    assert.equal(connector.state, "connecting");
    assert.equal(factory.connector, connector);
    assert.deepEqual(factory.events, ["startFactory", "startedConnecting connecting"], "the factory is started before startedConnecting");
    const destination = connector.getDestination() as { type?: string; host?: string; port?: number };
    assert.deepEqual([destination.type, destination.host, destination.port], ["TCP", "127.0.0.1", number]);
    connector.stopConnecting();
    await port.stopListening();
  });

  it(
    "a connecting connector throws ConnectorBusyError on connect; stopConnecting fails it with UserError, then throws NotConnectingError",
    make,
    async (h) => {
      const port = h.reactor.listenTCP(0, serverFactory(), { interface: "127.0.0.1" });
      const factory = new Recording();
      const connector = h.reactor.connectTCP("127.0.0.1", portOf(port.getHost()), factory);
      assert.throws(() => connector.connect(), ConnectorBusyError);
      connector.stopConnecting();
      assert.equal(connector.state, "disconnected");
      assert.ok(factory.failure?.value instanceof UserError, `failed with ${String(factory.failure?.value)}`);
      assert.deepEqual(
        factory.events,
        ["startFactory", "startedConnecting connecting", "clientConnectionFailed", "stopFactory"],
        "a failed attempt that is not retried stops the factory",
      );
      assert.throws(() => connector.stopConnecting(), NotConnectingError);
      await port.stopListening();
    },
  );

  it("a factory that reconnects from clientConnectionFailed stays started", make, async (h) => {
    const port = h.reactor.listenTCP(0, serverFactory(), { interface: "127.0.0.1" });
    const factory = new (class extends Recording {
      override clientConnectionFailed(connector: IConnector, reason: Failure): void {
        super.clientConnectionFailed(connector, reason);
        if (this.events.filter((e) => e === "clientConnectionFailed").length === 1) connector.connect();
      }
    })();
    const connector = h.reactor.connectTCP("127.0.0.1", portOf(port.getHost()), factory);
    connector.stopConnecting();
    assert.equal(connector.state, "connecting", "connect() from clientConnectionFailed started a new attempt");
    connector.stopConnecting();
    assert.deepEqual(factory.events, [
      "startFactory",
      "startedConnecting connecting",
      "clientConnectionFailed",
      "startedConnecting connecting",
      "clientConnectionFailed",
      "stopFactory",
    ]);
    await port.stopListening();
  });
}
