import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, Deferred, Failure, FirstError, gatherResults, succeed } from "@torsion/defer";
import { nextTurn, trackReports } from "./helpers.js";

function failureOf(d: Deferred<unknown>): Failure {
  const state = d.peek();
  assert.equal(state.state, "failed");
  d.addErrback(() => null);
  return (state as { failure: Failure }).failure;
}

describe("gatherResults", () => {
  const reports = trackReports();

  it("fires with every value in input order once all succeeded", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const all = gatherResults([a, b]);
    b.callback(2);
    assert.equal(all.called, false);
    a.callback(1);
    assert.deepEqual(all.peek(), { state: "succeeded", result: [1, 2] });
  });

  it("fires with [] at once for no Deferreds", () => {
    assert.deepEqual(gatherResults([]).peek(), { state: "succeeded", result: [] });
  });

  it("errbacks with the first failure wrapped in FirstError, without waiting for the rest", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const all = gatherResults([a, b]);
    const error = new Error("b failed");
    b.errback(error);
    const first = failureOf(all).value;
    assert.ok(first instanceof FirstError);
    assert.equal(first.index, 1);
    assert.equal(first.subFailure.value, error);
    b.addErrback(() => null);
  });

  it("consumes member failures with consumeErrors", async () => {
    const a = new Deferred<number>();
    const all = gatherResults([a, succeed(2)], true);
    a.errback(new Error("consumed"));
    assert.deepEqual(a.peek(), { state: "succeeded", result: null });
    failureOf(all);
    await nextTurn();
    assert.deepEqual(reports.take(), []);
  });

  it("cancels every member when cancelled", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const all = gatherResults([a, b], true);
    all.cancel();
    assert.equal(a.called && b.called, true);
    const first = failureOf(all).value as FirstError;
    assert.ok(first.subFailure.value instanceof CancelledError);
    assert.equal(first.index, 0);
  });

  it("accepts promises and can be awaited", async () => {
    assert.deepEqual(await gatherResults([Promise.resolve("x"), succeed("y")]), ["x", "y"]);
  });
});
