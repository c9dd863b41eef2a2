// Deferred.pause/unpause, cancel, peek and toString.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AlreadyCalledError, CancelledError, Deferred, Failure } from "@torsion/defer";
import { trackReports } from "./helpers.js";

function failureOf(d: Deferred<unknown>): Failure {
  const state = d.peek();
  assert.equal(state.state, "failed");
  d.addErrback(() => null);
  return (state as { failure: Failure }).failure;
}

describe("Deferred pause and unpause", () => {
  trackReports();

  it("holds callbacks while paused and runs them on the matching unpause", () => {
    const d = new Deferred<number>();
    const seen: number[] = [];
    d.pause();
    d.pause();
    assert.equal(d.paused, 2);
    d.addCallback((n) => seen.push(n));
    d.callback(1);
    assert.deepEqual(seen, []);
    d.unpause();
    assert.deepEqual(seen, []);
    assert.deepEqual(d.peek(), { state: "pending" });
    d.unpause();
    assert.deepEqual(seen, [1]);
    assert.equal(d.paused, 0);
  });

  it("does nothing when unpausing a Deferred that is not paused", () => {
    const d = new Deferred<number>();
    d.unpause();
    assert.equal(d.paused, 0);
    d.pause();
    d.callback(1);
    assert.deepEqual(d.peek(), { state: "pending" });
    d.unpause();
    assert.deepEqual(d.peek(), { state: "succeeded", result: 1 });
  });

  it("lets a callback pause its own Deferred, holding the rest of the chain", () => {
    const d = new Deferred<number>();
    const seen: string[] = [];
    d.addCallback((n) => {
      d.pause();
      seen.push("paused");
      return n;
    }).addCallback((n) => seen.push(`after:${n}`));
    d.callback(3);
    assert.deepEqual(seen, ["paused"]);
    d.unpause();
    assert.deepEqual(seen, ["paused", "after:3"]);
  });
});

describe("Deferred cancel", () => {
  trackReports();

  it("errbacks with CancelledError when there is no canceller, then ignores exactly one late fire", () => {
    const d = new Deferred<number>();
    d.cancel();
    assert.ok(failureOf(d).value instanceof CancelledError);
    d.callback(1);
    assert.deepEqual(d.peek(), { state: "succeeded", result: null });
    assert.throws(() => d.callback(2), AlreadyCalledError);
  });

  it("calls the canceller with the Deferred and keeps the result the canceller fired with", () => {
    let given: unknown;
    const d = new Deferred<string>((self) => {
      given = self;
      self.callback("fallback");
    });
    d.cancel();
    assert.equal(given, d);
    assert.deepEqual(d.peek(), { state: "succeeded", result: "fallback" });
  });

  it("errbacks with CancelledError when the canceller does not fire, and then refuses late fires", () => {
    let calls = 0;
    const d = new Deferred<number>(() => {
      calls++;
    });
    d.cancel();
    assert.equal(calls, 1);
    assert.ok(failureOf(d).value instanceof CancelledError);
    assert.throws(() => d.callback(1), AlreadyCalledError);
  });

  it("does nothing when the Deferred already has a result", () => {
    let calls = 0;
    const d = new Deferred<number>(() => calls++);
    d.callback(5);
    d.cancel();
    assert.equal(calls, 0);
    assert.deepEqual(d.peek(), { state: "succeeded", result: 5 });
  });

  it("cancels the Deferred it is waiting on instead of itself", () => {
    let innerCancelled = 0;
    const inner = new Deferred<string>(() => innerCancelled++);
    const outer = new Deferred<number>(() => assert.fail("outer canceller must not run"));
    outer.addCallback(() => inner);
    outer.callback(0);
    outer.cancel();
    assert.equal(innerCancelled, 1);
    assert.ok(failureOf(outer).value instanceof CancelledError);
    assert.deepEqual(inner.peek(), { state: "succeeded", result: null });
  });

  it("cancels the innermost Deferred of nested waits", () => {
    const innermost = new Deferred<string>();
    const middle = new Deferred<number>();
    middle.addCallback(() => innermost);
    middle.callback(0);
    const outer = new Deferred<number>();
    outer.addCallback(() => middle);
    outer.callback(0);
    outer.cancel();
    assert.ok(failureOf(outer).value instanceof CancelledError);
    assert.equal(innermost.called, true);
  });

  it("propagates an error thrown by the canceller and leaves the Deferred unfired", () => {
    const d = new Deferred<number>(() => {
      throw new Error("canceller broke");
    });
    assert.throws(() => d.cancel(), /canceller broke/);
    assert.equal(d.called, false);
  });
});

describe("Deferred peek and toString", () => {
  trackReports();

  it("reports pending before firing, while paused, and while waiting on another Deferred", () => {
    const d = new Deferred<number>();
    assert.deepEqual(d.peek(), { state: "pending" });
    d.pause();
    d.callback(1);
    assert.deepEqual(d.peek(), { state: "pending" });
    d.unpause();
    const inner = new Deferred<number>();
    d.addCallback(() => inner);
    assert.deepEqual(d.peek(), { state: "pending" });
    assert.equal(String(d), "<Deferred waiting on Deferred>");
    inner.callback(2);
    assert.deepEqual(d.peek(), { state: "succeeded", result: 2 });
  });

  it("reports pending from inside one of its own running callbacks", () => {
    const d = new Deferred<number>();
    let during: unknown;
    d.addCallback(() => {
      during = d.peek();
    });
    d.callback(1);
    assert.deepEqual(during, { state: "pending" });
  });

  it("reports a failure and describes each state in toString", () => {
    const d = new Deferred<number>();
    d.errback(new Error("peeked"));
    const state = d.peek();
    assert.equal(state.state, "failed");
    assert.equal((state as { failure: Failure }).failure.getErrorMessage(), "peeked");
    assert.equal(String(d), "<Deferred current result: [Failure instance: Error: peeked]>");
    d.addErrback(() => null);
    assert.equal(String(d), "<Deferred succeeded>");
    assert.equal(String(new Deferred()), "<Deferred pending>");
  });
});
