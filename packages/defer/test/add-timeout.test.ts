import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, Deferred, Failure, TimeoutError } from "@torsion/defer";
import { FakeClock, trackReports } from "./helpers.js";

function failureOf(d: Deferred<unknown>): Failure {
  const state = d.peek();
  assert.equal(state.state, "failed");
  d.addErrback(() => null);
  return (state as { failure: Failure }).failure;
}

describe("Deferred addTimeout", () => {
  trackReports();

  it("cancels after the timeout and turns the CancelledError into a TimeoutError", () => {
    const clock = new FakeClock();
    const d = new Deferred<number>();
    d.addTimeout(5, clock);
    clock.advance(4.9);
    assert.equal(d.called, false);
    clock.advance(0.1);
    const failure = failureOf(d);
    assert.ok(failure.value instanceof TimeoutError);
    assert.equal(failure.value.code, "ERR_DEFERRED_TIMEOUT");
    assert.ok(failure.value.cause instanceof CancelledError);
    assert.match(failure.getErrorMessage(), /5 seconds/);
  });

  it("cancels the delayed call when the Deferred fires first", () => {
    const clock = new FakeClock();
    const d = new Deferred<string>();
    d.addTimeout(5, clock);
    assert.equal(clock.pendingCount, 1);
    d.callback("in time");
    assert.equal(clock.pendingCount, 0);
    assert.deepEqual(d.peek(), { state: "succeeded", result: "in time" });
    clock.advance(10);
    assert.deepEqual(d.peek(), { state: "succeeded", result: "in time" });
  });

  it("uses onTimeoutCancel's return value when the timeout fires", () => {
    const clock = new FakeClock();
    const d = new Deferred<string>();
    const seen: unknown[] = [];
    d.addTimeout(1, clock, (result, seconds) => {
      seen.push(result instanceof Failure ? result.type : result, seconds);
      return "substitute";
    });
    clock.advance(1);
    assert.deepEqual(seen, [CancelledError, 1]);
    assert.deepEqual(d.peek(), { state: "succeeded", result: "substitute" });
  });

  it("leaves a CancelledError from a manual cancel before the timeout as it is", () => {
    const clock = new FakeClock();
    const d = new Deferred<number>();
    d.addTimeout(5, clock);
    d.cancel();
    assert.ok(failureOf(d).value instanceof CancelledError);
    assert.equal(clock.pendingCount, 0);
  });

  it("passes a result that a canceller supplies on timeout through unchanged", () => {
    const clock = new FakeClock();
    const d = new Deferred<string>((self) => self.callback("cancelled politely"));
    d.addTimeout(2, clock);
    clock.advance(2);
    assert.deepEqual(d.peek(), { state: "succeeded", result: "cancelled politely" });
  });

  it("times out a Deferred that is waiting on an inner one by cancelling the inner one", () => {
    const clock = new FakeClock();
    let innerCancelled = false;
    const inner = new Deferred<string>(() => {
      innerCancelled = true;
    });
    const d = new Deferred<number>();
    d.addCallback(() => inner);
    d.addTimeout(3, clock);
    d.callback(0);
    clock.advance(3);
    assert.equal(innerCancelled, true);
    assert.ok(failureOf(d).value instanceof TimeoutError);
  });

  it("does not time out the callbacks added after addTimeout", () => {
    const clock = new FakeClock();
    const d = new Deferred<number>();
    d.addTimeout(1, clock).addCallback(() => new Deferred<number>());
    d.callback(0);
    assert.equal(clock.pendingCount, 0);
    clock.advance(5);
    assert.deepEqual(d.peek(), { state: "pending" });
  });
});
