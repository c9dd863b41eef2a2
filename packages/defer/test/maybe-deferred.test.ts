import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Deferred, Failure, maybeDeferred } from "@torsion/defer";
import { trackReports } from "./helpers.js";

describe("maybeDeferred", () => {
  trackReports();

  it("wraps a plain return value in a Deferred that already fired, passing the arguments", () => {
    const d = maybeDeferred((a: number, b: number) => a + b, 2, 3);
    assert.deepEqual(d.peek(), { state: "succeeded", result: 5 });
  });

  it("turns a thrown error into a failed Deferred", () => {
    const error = new RangeError("sync throw");
    const d = maybeDeferred(() => {
      throw error;
    });
    const state = d.peek();
    assert.equal(state.state, "failed");
    assert.equal((state as { failure: Failure }).failure.value, error);
    d.addErrback(() => null);
  });

  it("returns a returned Deferred as-is", () => {
    const inner = new Deferred<number>();
    assert.equal(
      maybeDeferred(() => inner),
      inner,
    );
  });

  it("turns a returned Failure into a failed Deferred carrying that Failure", () => {
    const failure = new Failure(new Error("returned failure"));
    const d = maybeDeferred(() => failure);
    const state = d.peek();
    assert.equal(state.state, "failed");
    assert.equal((state as { failure: Failure }).failure, failure);
    d.addErrback(() => null);
  });

  it("converts a returned promise, e.g. from an async function, and fires when it settles", async () => {
    const d = maybeDeferred(async (n: number) => n * 3, 4);
    assert.equal(d.called, false);
    assert.equal(await d, 12);
    const rejected = maybeDeferred(async () => {
      throw new Error("async throw");
    });
    await assert.rejects(async () => rejected, /async throw/);
  });
});
