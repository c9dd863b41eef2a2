import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CancelledError, Deferred } from "@torsion/defer";
import { deferLater } from "@torsion/core";
import { Clock, assertNoResult, failureResultOf, successResultOf } from "@torsion/testing";

describe("deferLater", () => {
  it("fires with the function's result after the delay, not before", () => {
    const clock = new Clock();
    const d = deferLater(clock, 3, (a: number, b: number) => a + b, 2, 5);
    clock.advance(2.5);
    assertNoResult(d);
    clock.advance(0.5);
    assert.equal(successResultOf(d), 7);
  });

  it("fires with undefined when no function is given", () => {
    const clock = new Clock();
    const d = deferLater<unknown>(clock, 1); // unknown: the result is checked, whatever the type says
    clock.advance(1);
    assert.equal(successResultOf(d), undefined);
  });

  it("runs the function when the time comes, not when scheduled", () => {
    const clock = new Clock();
    let ranAt: number | null = null;
    deferLater(clock, 2, () => {
      ranAt = clock.seconds();
    });
    assert.equal(ranAt, null);
    clock.advance(2);
    assert.equal(ranAt, 2);
  });

  it("errbacks with the error the function throws", () => {
    const clock = new Clock();
    const d = deferLater(clock, 1, () => {
      throw new TypeError("nope");
    });
    clock.advance(1);
    assert.equal(failureResultOf(d, TypeError).value.message, "nope");
  });

  it("waits for a Deferred returned by the function", () => {
    const clock = new Clock();
    const inner = new Deferred<string>();
    const d = deferLater(clock, 1, () => inner);
    clock.advance(1);
    assertNoResult(d);
    inner.callback("late");
    assert.equal(successResultOf(d), "late");
  });

  it("cancelling it cancels the delayed call and errbacks with CancelledError", () => {
    const clock = new Clock();
    let ran = false;
    const d = deferLater(clock, 1, () => {
      ran = true;
    });
    assert.equal(clock.getDelayedCalls().length, 1);
    d.cancel();
    failureResultOf(d, CancelledError);
    assert.deepEqual(clock.getDelayedCalls(), []);
    clock.advance(5);
    assert.equal(ran, false);
  });

  it("cancelling after it fired changes nothing", () => {
    const clock = new Clock();
    const d = deferLater(clock, 1, () => "done");
    clock.advance(1);
    d.cancel();
    assert.equal(successResultOf(d), "done");
  });

  it("throws RangeError for a negative delay (from the clock)", () => {
    assert.throws(() => deferLater(new Clock(), -1), RangeError);
  });
});
