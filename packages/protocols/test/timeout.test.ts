import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Protocol } from "@torsion/core";
import { Clock, StringTransport } from "@torsion/testing";
import { Timeout } from "@torsion/protocols";

function counting(clock: Clock, timeOut?: number | null): { timeout: Timeout; fired: number[] } {
  const fired: number[] = [];
  const timeout = new Timeout(clock, () => fired.push(clock.seconds()), timeOut === undefined ? {} : { timeOut });
  return { timeout, fired };
}

class IdleProtocol extends Protocol {
  readonly timeout: Timeout;
  constructor(clock: Clock) {
    super();
    this.timeout = new Timeout(clock, () => this.timeoutConnection());
  }
  override connectionMade(): void {
    this.timeout.setTimeout(10);
  }
  override dataReceived(data: Buffer): void {
    this.timeout.resetTimeout();
  }
  override connectionLost(): void {
    this.timeout.cancel();
  }
  timeoutConnection(): void {
    this.transport?.loseConnection();
  }
}

describe("Timeout", () => {
  it("does not start a timer when given an initial timeOut", () => {
    const clock = new Clock();
    const { timeout, fired } = counting(clock, 5);
    assert.equal(timeout.timeOut, 5);
    assert.equal(timeout.pending, false);
    clock.advance(100);
    assert.deepEqual(fired, []);
  });

  it("fires once, after the period set with setTimeout, and returns the previous period", () => {
    const clock = new Clock();
    const { timeout, fired } = counting(clock);
    assert.equal(timeout.setTimeout(2), null);
    clock.advance(1.5);
    assert.deepEqual(fired, []);
    clock.advance(0.5);
    assert.deepEqual(fired, [2]);
    assert.equal(timeout.pending, false);
    clock.advance(10);
    assert.deepEqual(fired, [2]);
    assert.equal(timeout.setTimeout(3), 2);
  });

  it("restarts the countdown on resetTimeout while the timer runs", () => {
    const clock = new Clock();
    const { timeout, fired } = counting(clock);
    timeout.setTimeout(2);
    clock.advance(1.5);
    timeout.resetTimeout();
    clock.advance(1.5);
    assert.deepEqual(fired, []);
    clock.advance(0.5);
    assert.deepEqual(fired, [3.5]);
  });

  it("restarts nothing when activity arrives after the timeout fired", () => {
    const clock = new Clock();
    const { timeout, fired } = counting(clock);
    timeout.setTimeout(1);
    clock.advance(1);
    timeout.resetTimeout();
    clock.advance(5);
    assert.deepEqual(fired, [1]);
    assert.equal(clock.getDelayedCalls().length, 0);
  });

  it("fires setTimeout(0) on the next advance, even an advance of zero", () => {
    const clock = new Clock();
    const { timeout, fired } = counting(clock);
    timeout.setTimeout(0);
    assert.deepEqual(fired, []);
    clock.advance(0);
    assert.deepEqual(fired, [0]);
  });

  it("moves a running timer earlier or later with setTimeout", () => {
    const clock = new Clock();
    const { timeout, fired } = counting(clock);
    timeout.setTimeout(10);
    clock.advance(1);
    assert.equal(timeout.setTimeout(2), 10);
    clock.advance(2);
    assert.deepEqual(fired, [3]);
    timeout.setTimeout(1);
    timeout.setTimeout(4);
    clock.advance(3.5);
    assert.deepEqual(fired, [3]);
    clock.advance(0.5);
    assert.deepEqual(fired, [3, 7]);
  });

  it("cancels the timer with setTimeout(null) and then ignores resetTimeout", () => {
    const clock = new Clock();
    const { timeout, fired } = counting(clock);
    timeout.setTimeout(1);
    assert.equal(timeout.setTimeout(null), 1);
    timeout.resetTimeout();
    clock.advance(5);
    assert.deepEqual(fired, []);
    assert.equal(clock.getDelayedCalls().length, 0);
  });

  it("cancel() clears timeOut and the pending call, and is idempotent", () => {
    const clock = new Clock();
    const { timeout, fired } = counting(clock);
    timeout.setTimeout(1);
    timeout.cancel();
    timeout.cancelTimeout();
    assert.equal(timeout.timeOut, null);
    assert.equal(timeout.pending, false);
    clock.advance(5);
    assert.deepEqual(fired, []);
  });

  it("lets the timeout callback start a new timer", () => {
    const clock = new Clock();
    const fired: number[] = [];
    const timeout: Timeout = new Timeout(clock, () => {
      fired.push(clock.seconds());
      if (fired.length < 3) timeout.setTimeout(1);
    });
    timeout.setTimeout(1);
    clock.pump([1, 1, 1, 1]);
    assert.deepEqual(fired, [1, 2, 3]);
  });

  it("closes an idle protocol's connection when it owns one, and keeps it open while data flows", () => {
    const clock = new Clock();
    const protocol = new IdleProtocol(clock);
    const transport = new StringTransport();
    protocol.makeConnection(transport);
    for (let i = 0; i < 5; i++) {
      clock.advance(9);
      protocol.dataReceived(Buffer.from("ping"));
    }
    assert.equal(transport.disconnecting, false);
    clock.advance(10);
    assert.equal(transport.disconnecting, true);
  });
});
