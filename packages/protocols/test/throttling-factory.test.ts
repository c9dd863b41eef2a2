import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionDone, Factory, IPv4Address } from "@torsion/core";
import type { IPushProducer } from "@torsion/core";
import { Failure, setErrorReporter } from "@torsion/defer";
import type { ErrorReporter } from "@torsion/defer";
import { AccumulatingProtocol, Clock, StringTransport } from "@torsion/testing";
import { InvalidPolicyOptionError, ThrottlingFactory, ThrottlingProtocol } from "@torsion/protocols";

const ADDR = new IPv4Address("TCP", "127.0.0.1", 5000);

function connect(factory: ThrottlingFactory): { wrapper: ThrottlingProtocol; transport: StringTransport; inner: AccumulatingProtocol } {
  const wrapper = factory.buildProtocol(ADDR);
  assert.ok(wrapper instanceof ThrottlingProtocol);
  const transport = new StringTransport();
  wrapper.makeConnection(transport);
  return { wrapper, transport, inner: wrapper.wrappedProtocol as AccumulatingProtocol };
}

function lose(wrapper: ThrottlingProtocol): void {
  wrapper.connectionLost(new Failure(new ConnectionDone()));
}

class CountingProducer implements IPushProducer {
  pauses = 0;
  resumes = 0;
  pauseProducing(): void {
    this.pauses++;
  }
  resumeProducing(): void {
    this.resumes++;
  }
  stopProducing(): void {}
}

let previousReporter: ErrorReporter | null = null;
afterEach(() => {
  if (previousReporter !== null) setErrorReporter(previousReporter);
  previousReporter = null;
});

describe("ThrottlingFactory", () => {
  it("refuses connections beyond maxConnectionCount and accepts again after one closes", () => {
    const factory = new ThrottlingFactory(Factory.forProtocol(AccumulatingProtocol), new Clock(), { maxConnectionCount: 2 });
    const a = connect(factory);
    connect(factory);
    assert.equal(factory.buildProtocol(ADDR), null);
    assert.equal(factory.connectionCount, 2);
    lose(a.wrapper);
    assert.equal(factory.connectionCount, 1);
    assert.ok(factory.buildProtocol(ADDR) instanceof ThrottlingProtocol);
  });

  it("counts bytes read and delivers them to the wrapped protocol", () => {
    const factory = new ThrottlingFactory(Factory.forProtocol(AccumulatingProtocol), new Clock(), { readLimit: 100 });
    const { wrapper, inner } = connect(factory);
    wrapper.dataReceived(Buffer.from("hello"));
    assert.equal(factory.readThisSecond, 5);
    assert.equal(inner.data.toString(), "hello");
  });

  it("pauses every transport for bytes/limit - 1 seconds when reads pass the limit, then resumes them", () => {
    const clock = new Clock();
    const factory = new ThrottlingFactory(Factory.forProtocol(AccumulatingProtocol), clock, { readLimit: 10 });
    const a = connect(factory);
    const b = connect(factory);
    a.wrapper.dataReceived(Buffer.alloc(20));
    b.wrapper.dataReceived(Buffer.alloc(10));
    clock.advance(1);
    assert.equal(factory.readsThrottled, true);
    assert.equal(a.transport.producerState, "paused");
    assert.equal(b.transport.producerState, "paused");
    assert.equal(factory.readThisSecond, 0);
    clock.advance(1.5);
    assert.equal(a.transport.producerState, "paused");
    clock.advance(0.5);
    assert.equal(factory.readsThrottled, false);
    assert.equal(a.transport.producerState, "producing");
    assert.equal(b.transport.producerState, "producing");
  });

  it("does not throttle reads at or under the limit", () => {
    const clock = new Clock();
    const factory = new ThrottlingFactory(Factory.forProtocol(AccumulatingProtocol), clock, { readLimit: 10 });
    const a = connect(factory);
    a.wrapper.dataReceived(Buffer.alloc(10));
    clock.advance(1);
    assert.equal(factory.readsThrottled, false);
    assert.equal(a.transport.producerState, "producing");
  });

  it("pauses a connection made while reads are throttled, and resumes it with the others", () => {
    const clock = new Clock();
    const factory = new ThrottlingFactory(Factory.forProtocol(AccumulatingProtocol), clock, { readLimit: 10 });
    const a = connect(factory);
    a.wrapper.dataReceived(Buffer.alloc(40));
    clock.advance(1);
    const late = connect(factory);
    assert.equal(late.transport.producerState, "paused");
    clock.advance(3);
    assert.equal(late.transport.producerState, "producing");
  });

  it("extends a running read throttle on a second overrun instead of pausing twice", () => {
    const clock = new Clock();
    const factory = new ThrottlingFactory(Factory.forProtocol(AccumulatingProtocol), clock, { readLimit: 10 });
    const a = connect(factory);
    a.wrapper.dataReceived(Buffer.alloc(40));
    clock.advance(1);
    a.wrapper.dataReceived(Buffer.alloc(60));
    clock.advance(1);
    clock.advance(4.5);
    assert.equal(a.transport.producerState, "paused");
    clock.advance(0.5);
    assert.equal(a.transport.producerState, "producing");
  });

  it("pauses registered push producers when writes pass the limit, counting writeSequence too", () => {
    const clock = new Clock();
    const factory = new ThrottlingFactory(Factory.forProtocol(AccumulatingProtocol), clock, { writeLimit: 10 });
    const { inner, transport } = connect(factory);
    const producer = new CountingProducer();
    inner.transport.registerProducer(producer, true);
    assert.equal(transport.producer, producer);
    inner.transport.write(Buffer.alloc(15));
    inner.transport.writeSequence([Buffer.alloc(5), Buffer.alloc(5)]);
    assert.equal(factory.writtenThisSecond, 25);
    assert.equal(transport.value().length, 25);
    clock.advance(1);
    assert.equal(producer.pauses, 1);
    assert.equal(factory.writesThrottled, true);
    clock.advance(1.5);
    assert.equal(producer.resumes, 1);
    assert.equal(factory.writesThrottled, false);
  });

  it("only counts writes of a connection without a producer", () => {
    const clock = new Clock();
    const factory = new ThrottlingFactory(Factory.forProtocol(AccumulatingProtocol), clock, { writeLimit: 10 });
    const { inner } = connect(factory);
    inner.transport.write(Buffer.alloc(50));
    assert.doesNotThrow(() => clock.advance(1));
    assert.equal(factory.writesThrottled, true);
    clock.advance(4);
    assert.equal(factory.writesThrottled, false);
  });

  it("pauses a producer registered while writes are throttled", () => {
    const clock = new Clock();
    const factory = new ThrottlingFactory(Factory.forProtocol(AccumulatingProtocol), clock, { writeLimit: 10 });
    const { inner } = connect(factory);
    inner.transport.write(Buffer.alloc(50));
    clock.advance(1);
    const producer = new CountingProducer();
    inner.transport.registerProducer(producer, true);
    assert.equal(producer.pauses, 1);
    clock.advance(4);
    assert.equal(producer.resumes, 1);
  });

  it("stops its checks when the last connection closes and restarts them with the next", () => {
    const clock = new Clock();
    const factory = new ThrottlingFactory(Factory.forProtocol(AccumulatingProtocol), clock, { readLimit: 10, writeLimit: 10 });
    const a = connect(factory);
    a.wrapper.dataReceived(Buffer.alloc(100));
    clock.advance(1);
    assert.ok(clock.getDelayedCalls().length >= 2);
    lose(a.wrapper);
    assert.equal(clock.getDelayedCalls().length, 0);
    assert.equal(factory.readsThrottled, false);
    connect(factory);
    assert.equal(clock.getDelayedCalls().length, 2);
  });

  it("schedules nothing without limits", () => {
    const clock = new Clock();
    const factory = new ThrottlingFactory(Factory.forProtocol(AccumulatingProtocol), clock);
    connect(factory);
    assert.equal(clock.getDelayedCalls().length, 0);
  });

  it("reports a connection that cannot be paused and still pauses the others", () => {
    const reports: string[] = [];
    previousReporter = setErrorReporter((failure, context) => reports.push(`${context}: ${failure.value.name}`));
    const clock = new Clock();
    const factory = new ThrottlingFactory(Factory.forProtocol(AccumulatingProtocol), clock, { readLimit: 10 });
    const closing = connect(factory);
    const healthy = connect(factory);
    closing.transport.loseConnection();
    closing.wrapper.dataReceived(Buffer.alloc(50));
    clock.advance(1);
    assert.equal(healthy.transport.producerState, "paused");
    assert.equal(reports.length, 1);
    assert.match(reports[0] ?? "", /ProducerStateError/);
  });

  it("rejects limits that are not positive", () => {
    const wrapped = Factory.forProtocol(AccumulatingProtocol);
    assert.throws(() => new ThrottlingFactory(wrapped, new Clock(), { readLimit: 0 }), InvalidPolicyOptionError);
    assert.throws(() => new ThrottlingFactory(wrapped, new Clock(), { writeLimit: -5 }), InvalidPolicyOptionError);
    assert.throws(() => new ThrottlingFactory(wrapped, new Clock(), { maxConnectionCount: Number.NaN }), InvalidPolicyOptionError);
  });
});
