import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionDone, ConnectionLost, ConnectionRefusedError, ConnectorState, IPv4Address, Protocol } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { AccumulatingProtocol, Clock, ConnectionCompleter, FakeConnector, MemoryReactorClock } from "@torsion/testing";
import { NoClockError, NoConnectorError, ReconnectingClientFactory, seededRandom } from "@torsion/protocols";

const DEST = new IPv4Address("TCP", "127.0.0.1", 4000);
const refused = (): Failure => new Failure(new ConnectionRefusedError());

function setUp(options: { jitter?: number; maxRetries?: number | null } = {}): {
  clock: Clock;
  factory: ReconnectingClientFactory;
  connector: FakeConnector;
} {
  const clock = new Clock();
  const factory = new ReconnectingClientFactory({ clock, jitter: options.jitter ?? 0, maxRetries: options.maxRetries ?? null });
  factory.protocol = AccumulatingProtocol;
  const connector = new FakeConnector(DEST, factory);
  connector.state = ConnectorState.disconnected;
  return { clock, factory, connector };
}

describe("ReconnectingClientFactory", () => {
  it("has Twisted's parameters, with delay starting at 1.0", () => {
    const factory = new ReconnectingClientFactory({ clock: new Clock() });
    assert.equal(factory.initialDelay, 1.0);
    assert.equal(factory.factor, 2.7182818284590451);
    assert.equal(factory.maxDelay, 3600);
    assert.equal(factory.jitter, 0.119626565582);
    assert.equal(factory.maxRetries, null);
    assert.equal(factory.delay, 1.0);
    assert.equal(factory.retries, 0);
    assert.equal(factory.continueTrying, true);
  });

  it("reconnects e seconds after the first failure, whatever initialDelay is", () => {
    const { clock, factory, connector } = setUp();
    factory.initialDelay = 5;
    factory.clientConnectionFailed(connector, refused());
    assert.equal(factory.connector, connector);
    assert.equal(factory.retries, 1);
    assert.equal(factory.delay, Math.E);
    clock.advance(Math.E - 0.001);
    assert.equal(connector.connectCalls, 0);
    clock.advance(0.001);
    assert.equal(connector.connectCalls, 1);
    assert.equal(factory.retryPending, false);
  });

  it("retries after a lost connection too, growing the delay by the factor up to maxDelay", () => {
    const { clock, factory, connector } = setUp();
    factory.maxDelay = 10;
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      factory.clientConnectionLost(connector, new Failure(new ConnectionLost()));
      delays.push(factory.delay);
      clock.advance(factory.delay);
      connector.state = ConnectorState.disconnected;
    }
    assert.deepEqual(delays, [Math.E, Math.E * Math.E, 10, 10]);
    assert.equal(connector.connectCalls, 4);
  });

  it("gives up after maxRetries, without scheduling or changing the delay", () => {
    const { clock, factory, connector } = setUp({ maxRetries: 1 });
    factory.clientConnectionFailed(connector, refused());
    clock.advance(factory.delay);
    connector.state = ConnectorState.disconnected;
    const delay = factory.delay;
    factory.clientConnectionFailed(connector, refused());
    assert.equal(factory.retries, 2);
    assert.equal(factory.delay, delay);
    assert.equal(clock.getDelayedCalls().length, 0);
  });

  it("throws NoConnectorError from retry() before any failure", () => {
    const { factory } = setUp();
    assert.throws(() => factory.retry(), NoConnectorError);
  });

  it("throws NoClockError at construction when no clock is given, not at the first failure", () => {
    const untyped = ReconnectingClientFactory as unknown as new (options?: object) => ReconnectingClientFactory;
    for (const options of [undefined, {}, { jitter: 0 }, { clock: {} }]) {
      assert.throws(
        () => new untyped(options),
        (error: unknown) => error instanceof NoClockError && error.message.includes("needs a clock"),
      );
    }
  });

  it("passes forProtocol's arguments to its constructor, so the clock comes along", () => {
    const clock = new Clock();
    class Client extends Protocol {}
    const factory = ReconnectingClientFactory.forProtocol(Client, { clock, jitter: 0 });
    assert.equal(factory.clock, clock);
    assert.equal(factory.jitter, 0);
    factory.clientConnectionFailed(new FakeConnector(DEST, factory), refused());
    assert.equal(clock.getDelayedCalls().length, 1);
  });

  it("uses the clock set as a property after construction", () => {
    const factory = new ReconnectingClientFactory({ clock: new Clock(), jitter: 0 });
    const clock = new Clock();
    factory.clock = clock;
    factory.retry(new FakeConnector(DEST, factory));
    assert.equal(clock.getDelayedCalls().length, 1);
  });

  it("schedules one attempt per failure when the clock does not move", () => {
    const { clock, factory, connector } = setUp();
    let connects = 0;
    connector.connect = () => {
      connects++;
    };
    factory.clientConnectionFailed(connector, refused());
    factory.clientConnectionFailed(connector, refused());
    clock.advance(100);
    assert.equal(connects, 2);
  });

  it("stopTrying cancels the pending retry, stops an attempt in progress and ignores later failures", () => {
    const { clock, factory, connector } = setUp();
    factory.clientConnectionFailed(connector, refused());
    connector.state = ConnectorState.connecting;
    factory.stopTrying();
    assert.equal(factory.continueTrying, false);
    assert.equal(connector.stoppedConnecting, true);
    assert.equal(clock.getDelayedCalls().length, 0);
    factory.clientConnectionFailed(connector, refused());
    factory.retry();
    assert.equal(clock.getDelayedCalls().length, 0);
  });

  it("stopTrying ignores a connector that is not connecting", () => {
    const { factory, connector } = setUp();
    factory.clientConnectionFailed(connector, refused());
    assert.doesNotThrow(() => factory.stopTrying());
    assert.equal(connector.stoppedConnecting, false);
  });

  it("resetDelay restores the start state but lets the pending retry run", () => {
    const { clock, factory, connector } = setUp();
    factory.initialDelay = 0.5;
    factory.clientConnectionFailed(connector, refused());
    factory.stopTrying();
    factory.clientConnectionFailed(connector, refused());
    assert.equal(clock.getDelayedCalls().length, 0);
    factory.resetDelay();
    assert.equal(factory.continueTrying, true);
    factory.clientConnectionFailed(connector, refused());
    assert.equal(factory.delay, 0.5 * Math.E);
    factory.resetDelay();
    assert.equal(factory.delay, 0.5);
    assert.equal(factory.retries, 0);
    factory.stopTrying();
    clock.advance(2);
    assert.equal(connector.connectCalls, 1);
  });

  it("adds reproducible Gaussian jitter from the injected random source", () => {
    const delays = [1, 2].map(() => {
      const clock = new Clock();
      const factory = new ReconnectingClientFactory({ clock, random: seededRandom(42) });
      const connector = new FakeConnector(DEST, factory);
      factory.clientConnectionFailed(connector, refused());
      return factory.delay;
    });
    assert.equal(delays[0], delays[1]);
    assert.notEqual(delays[0], Math.E);
    assert.ok(Math.abs((delays[0] ?? 0) - Math.E) < Math.E * 0.119626565582 * 6);
  });

  it("keeps reconnecting through a memory reactor until a connection succeeds, then resets on request", () => {
    const reactor = new MemoryReactorClock();
    const factory = new ReconnectingClientFactory({ clock: reactor, jitter: 0 });
    factory.protocol = AccumulatingProtocol;
    const connector = reactor.connectTCP("127.0.0.1", 4000, factory);
    const completer = new ConnectionCompleter(reactor);
    completer.failOnce();
    reactor.advance(factory.delay);
    completer.failOnce();
    reactor.advance(factory.delay);
    const protocol = completer.succeedOnce() as AccumulatingProtocol;
    assert.equal(protocol.made, true);
    assert.equal(connector.connectCalls, 2);
    factory.resetDelay();
    assert.equal(factory.delay, 1.0);
    protocol.connectionLost(new Failure(new ConnectionDone()));
    connector.state = ConnectorState.disconnected;
    factory.clientConnectionLost(connector, new Failure(new ConnectionDone()));
    reactor.advance(Math.E);
    assert.equal(connector.connectCalls, 3);
  });
});
