import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AlreadyCalled, AlreadyCancelled, DelayedCall, type DelayedCallScheduler } from "@torsion/core";
import { Clock } from "@torsion/testing";

describe("DelayedCall (on the test Clock)", () => {
  it("runs once at its time with its arguments, and is then inactive", () => {
    const clock = new Clock();
    const seen: [number, string, number][] = [];
    const call = clock.callLater(2, (a: string, b: number) => void seen.push([clock.seconds(), a, b]), "x", 7);
    assert.equal(call.getTime(), 2);
    clock.advance(1.5);
    assert.deepEqual(seen, []);
    assert.equal(call.active(), true);
    clock.advance(0.5);
    assert.deepEqual(seen, [[2, "x", 7]]);
    assert.equal(call.active(), false);
    clock.advance(10);
    assert.equal(seen.length, 1);
  });

  it("is already inactive when its own function runs", () => {
    const clock = new Clock();
    let activeInside: boolean | null = null;
    const call = clock.callLater(1, () => {
      activeInside = call.active();
    });
    clock.advance(1);
    assert.equal(activeInside, false);
  });

  it("does not run after cancel, and leaves the clock's pending list", () => {
    const clock = new Clock();
    let ran = false;
    const call = clock.callLater(1, () => {
      ran = true;
    });
    call.cancel();
    clock.advance(5);
    assert.equal(ran, false);
    assert.equal(call.active(), false);
    assert.deepEqual(clock.getDelayedCalls(), []);
  });

  it("throws AlreadyCalled for cancel, reset and delay after it ran", () => {
    const clock = new Clock();
    const call = clock.callLater(0, () => undefined);
    clock.advance(0);
    assert.throws(() => call.cancel(), AlreadyCalled);
    assert.throws(() => call.reset(1), AlreadyCalled);
    assert.throws(() => call.delay(1), AlreadyCalled);
  });

  it("throws AlreadyCancelled for cancel, reset and delay after cancel", () => {
    const clock = new Clock();
    const call = clock.callLater(1, () => undefined);
    call.cancel();
    assert.throws(() => call.cancel(), AlreadyCancelled);
    assert.throws(() => call.reset(1), AlreadyCancelled);
    assert.throws(() => call.delay(1), AlreadyCancelled);
  });

  it("reset to a later time records the difference lazily in delayedTime", () => {
    const clock = new Clock();
    const call = clock.callLater(2, () => undefined) as DelayedCall;
    clock.advance(1);
    call.reset(5);
    assert.equal(call.time, 2);
    assert.equal(call.delayedTime, 4);
    assert.equal(call.getTime(), 6);
  });

  it("reset to an earlier time moves time and clears delayedTime", () => {
    const clock = new Clock();
    const call = clock.callLater(10, () => undefined) as DelayedCall;
    call.delay(3);
    call.reset(1);
    assert.equal(call.time, 1);
    assert.equal(call.delayedTime, 0);
  });

  it("runs a call reset to later at the new time, not the original one", () => {
    const clock = new Clock();
    const times: number[] = [];
    const call = clock.callLater(2, () => void times.push(clock.seconds()));
    call.reset(5);
    clock.advance(2);
    assert.deepEqual(times, []);
    clock.advance(3);
    assert.deepEqual(times, [5]);
  });

  it("runs a call reset to earlier at the earlier time", () => {
    const clock = new Clock();
    const times: number[] = [];
    const call = clock.callLater(10, () => void times.push(clock.seconds()));
    call.reset(1);
    clock.advance(1);
    assert.deepEqual(times, [1]);
  });

  it("delay pushes the call back and a negative delay brings it forward", () => {
    const clock = new Clock();
    const call = clock.callLater(4, () => undefined);
    call.delay(2);
    assert.equal(call.getTime(), 6);
    call.delay(-5);
    assert.equal(call.getTime(), 1);
    assert.equal((call as DelayedCall).delayedTime, 0);
  });

  it("activateDelay folds delayedTime into time", () => {
    const clock = new Clock();
    const call = clock.callLater(4, () => undefined) as DelayedCall;
    call.delay(2);
    call.activateDelay();
    assert.deepEqual([call.time, call.delayedTime, call.getTime()], [6, 0, 6]);
  });

  it("reports called and cancelled states and prints them", () => {
    const clock = new Clock();
    const a = clock.callLater(1, () => undefined) as DelayedCall;
    const b = clock.callLater(1, () => undefined) as DelayedCall;
    b.cancel();
    clock.advance(1);
    assert.deepEqual([a.called, a.cancelled, b.called, b.cancelled], [true, false, false, true]);
    assert.match(String(a), /called/);
    assert.match(String(b), /cancelled/);
  });

  it("gives later-created calls a higher sequence number", () => {
    const clock = new Clock();
    const a = clock.callLater(1, () => undefined) as DelayedCall;
    const b = clock.callLater(1, () => undefined) as DelayedCall;
    assert.ok(b.sequence > a.sequence);
  });

  it("tells its scheduler when it is cancelled or moved earlier", () => {
    const log: string[] = [];
    const scheduler: DelayedCallScheduler = {
      seconds: () => 0,
      cancelled: () => void log.push("cancelled"),
      movedEarlier: () => void log.push("movedEarlier"),
    };
    const call = new DelayedCall(5, () => undefined, [], scheduler);
    call.reset(10);
    call.reset(1);
    call.cancel();
    assert.deepEqual(log, ["movedEarlier", "cancelled"]);
  });
});
