import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, Deferred, Failure, FailureGroup, race, succeed } from "@torsion/defer";
import { nextTurn, trackReports } from "./helpers.js";

function failureOf(d: Deferred<unknown>): Failure {
  const state = d.peek();
  assert.equal(state.state, "failed");
  d.addErrback(() => null);
  return (state as { failure: Failure }).failure;
}

describe("race", () => {
  const reports = trackReports();

  it("fires with [index, value] of the first success and cancels the others, not the winner", () => {
    const cancelled: number[] = [];
    const ds = [0, 1, 2].map((i) => new Deferred<string>(() => cancelled.push(i)));
    const first = race(ds);
    ds[1]!.callback("one");
    assert.deepEqual(first.peek(), { state: "succeeded", result: [1, "one"] });
    assert.deepEqual(cancelled, [0, 2]);
  });

  it("consumes the members' results and failures", async () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    race([a, b]);
    a.callback(1);
    assert.deepEqual(a.peek(), { state: "succeeded", result: null });
    assert.deepEqual(b.peek(), { state: "succeeded", result: null });
    await nextTurn();
    assert.deepEqual(reports.take(), []);
  });

  it("waits past failures for a later success", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const first = race([a, b]);
    a.errback(new Error("a failed"));
    assert.equal(first.called, false);
    b.callback(2);
    assert.deepEqual(first.peek(), { state: "succeeded", result: [1, 2] });
  });

  it("errbacks with a FailureGroup of every failure, in input order, when all fail", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const first = race([a, b]);
    b.errback(new Error("b"));
    a.errback(new Error("a"));
    const group = failureOf(first).value;
    assert.ok(group instanceof FailureGroup);
    assert.deepEqual(
      group.failures.map((f) => f.getErrorMessage()),
      ["a", "b"],
    );
  });

  it("errbacks at once with an empty FailureGroup for no Deferreds", () => {
    const group = failureOf(race([])).value;
    assert.ok(group instanceof FailureGroup);
    assert.deepEqual(group.failures, []);
  });

  it("cancels every member when cancelled, failing with their CancelledErrors", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const first = race([a, b]);
    first.cancel();
    const group = failureOf(first).value as FailureGroup;
    assert.equal(group.failures.length, 2);
    assert.ok(group.failures.every((f) => f.value instanceof CancelledError));
  });

  it("reports an error thrown by a loser's canceller and still fires with the winner", () => {
    const loser = new Deferred<number>(() => {
      throw new Error("canceller broke");
    });
    const winner = new Deferred<number>();
    const first = race([loser, winner]);
    winner.callback(5);
    assert.deepEqual(first.peek(), { state: "succeeded", result: [1, 5] });
    assert.deepEqual(
      reports.take().map((r) => r.failure.getErrorMessage()),
      ["canceller broke"],
    );
  });

  it("accepts promises and Deferreds that already fired", async () => {
    assert.deepEqual(await race([new Deferred<string>(), succeed("ready")]), [1, "ready"]);
    assert.deepEqual(await race([Promise.resolve("p")]), [0, "p"]);
  });
});
