// Deferred corner cases found by comparing random programs with Twisted 22.4: the two
// fixed bugs, and the three places where Torsion deliberately differs (see the Deferred
// TSDoc and ARCHITECTURE.md).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Deferred, type Failure } from "@torsion/defer";
import { runProgram, trackReports } from "./helpers.js";

describe("Deferred cancel on a cycle of waits", () => {
  trackReports();

  it("throws DeferredCycleError out of cancel() instead of looping, and cancels nothing", async () => {
    const waiting = "<Deferred waiting on Deferred>";
    const outcome = await runProgram("cancel-cycle", [], 10_000);
    assert.deepEqual(outcome, [
      {
        threw: true,
        isCycleError: true,
        name: "DeferredCycleError",
        code: "ERR_DEFERRED_CYCLE",
        length: 2,
        message: "cancel() found a cycle of 2 Deferreds waiting on each other; none of them can ever fire, " + "and nothing was cancelled",
        cancellerCalls: 0,
        states: [waiting, waiting],
      },
      {
        threw: true,
        isCycleError: true,
        name: "DeferredCycleError",
        code: "ERR_DEFERRED_CYCLE",
        length: 3,
        message: "cancel() found a cycle of 3 Deferreds waiting on each other; none of them can ever fire, " + "and nothing was cancelled",
        cancellerCalls: 0,
        states: [waiting, waiting, waiting, waiting],
      },
    ]);
  });

  it("still cancels the innermost Deferred of a long chain of waits that has no cycle", () => {
    const ds = Array.from({ length: 1001 }, () => new Deferred<number>());
    for (let i = 0; i < 1000; i++) ds[i]!.addCallback(() => ds[i + 1]!);
    for (let i = 0; i < 1000; i++) ds[i]!.callback(0);
    let failure: Failure | undefined;
    ds[0]!.addErrback((f) => {
      failure = f;
      return null;
    });
    ds[0]!.cancel();
    assert.equal(failure?.type.name, "CancelledError");
  });
});

describe("Deferred chainDeferred whose target returns the source", () => {
  trackReports();

  it("gives the target the source's result, as addCallbacks(target.callback, target.errback) would", () => {
    const source = new Deferred<string>();
    const target = new Deferred<string>();
    const seen: unknown[] = [];
    target.addCallback(() => source).addBoth((r) => seen.push(["target", r]));
    source.chainDeferred(target);
    source.addBoth((r) => seen.push(["source", r]));
    source.callback("result");
    assert.deepEqual(seen, [
      ["target", "result"],
      ["source", null],
    ]);
  });

  it("hands a failure over the same way, so the target's errback sees it and nothing is reported", () => {
    const source = new Deferred<string>();
    const target = new Deferred<string>();
    const seen: unknown[] = [];
    target.addErrback(() => source).addErrback((f) => seen.push(f.getErrorMessage()));
    source.chainDeferred(target);
    source.errback(new Error("boom"));
    assert.deepEqual(seen, ["boom"]);
    assert.deepEqual(source.peek(), { state: "succeeded", result: null });
  });

  it("runs a callback added to the source while the target runs after the target's chain, with null", () => {
    const source = new Deferred<string>();
    const target = new Deferred<string>();
    const seen: unknown[] = [];
    target
      .addCallback((r) => {
        source.addBoth((x) => seen.push(["added", x]));
        seen.push(["target", r]);
        return r;
      })
      .addCallback((r) => seen.push(["target2", r]));
    source.chainDeferred(target);
    assert.deepEqual(source.peek(), { state: "pending" });
    source.callback("v");
    assert.deepEqual(seen, [
      ["target", "v"],
      ["target2", "v"],
      ["added", null],
    ]);
  });

  it("reports pending for the source while its target runs", () => {
    const source = new Deferred<number>();
    const target = new Deferred<number>();
    let during: unknown;
    target.addCallback(() => {
      during = source.peek();
    });
    source.chainDeferred(target);
    source.callback(1);
    assert.deepEqual(during, { state: "pending" });
    assert.deepEqual(source.peek(), { state: "succeeded", result: null });
  });
});

describe("Deferred deliberate differences from Twisted", () => {
  trackReports();

  it("fails the chain with TypeError when a callback returns its own Deferred (Twisted waits forever)", () => {
    const d = new Deferred<number>();
    const seen: unknown[] = [];
    d.addCallback(() => d).addErrback((f) => seen.push(f.value instanceof TypeError));
    d.callback(1);
    assert.deepEqual(seen, [true]);
  });

  it("waits for a returned Deferred that is running its callbacks (Twisted takes the in-flight result)", () => {
    const inner = new Deferred<string>();
    const outer = new Deferred<number>();
    const seen: unknown[] = [];
    inner.addCallback((r) => {
      outer.addCallback(() => inner).addBoth((x) => seen.push(["outer", x]));
      outer.callback(0);
      seen.push(["inner callback returns", `${r}+1`]);
      return `${r}+1`;
    });
    inner.callback("in flight");
    assert.deepEqual(seen, [
      ["inner callback returns", "in flight+1"],
      ["outer", "in flight+1"],
    ]);
    assert.deepEqual(inner.peek(), { state: "succeeded", result: null });
  });

  it("runs the inner Deferred's later callbacks when the outer one waiting on it is paused (Twisted stops them)", () => {
    const inner = new Deferred<string>();
    const outer = new Deferred<number>();
    const seen: unknown[] = [];
    outer.addCallback(() => inner).addBoth((r) => seen.push(["outer", r]));
    outer.callback(0);
    inner.addBoth((r) => seen.push(["inner, after the hand-over", r]));
    outer.pause();
    inner.callback("v");
    assert.deepEqual(seen, [["inner, after the hand-over", null]]);
    outer.unpause();
    assert.deepEqual(seen, [
      ["inner, after the hand-over", null],
      ["outer", "v"],
    ]);
  });
});
