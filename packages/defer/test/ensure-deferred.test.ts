import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Deferred, NotACoroutineError, ensureDeferred } from "@torsion/defer";
import { trackReports } from "./helpers.js";

describe("ensureDeferred", () => {
  trackReports();

  it("turns the promise of an async function that awaits Deferreds into a Deferred", async () => {
    const step = new Deferred<number>();
    const d = ensureDeferred((async () => (await step) + 1)());
    assert.ok(d instanceof Deferred);
    assert.equal(d.called, false);
    step.callback(41);
    assert.equal(await d, 42);
  });

  it("returns a Deferred as-is", () => {
    const d = new Deferred<string>();
    assert.equal(ensureDeferred(d), d);
  });

  it("throws NotACoroutineError for a value that is neither a promise nor a Deferred", () => {
    assert.throws(
      () => ensureDeferred(5 as unknown as PromiseLike<number>),
      (e: unknown) => e instanceof NotACoroutineError && e.message.includes("not a promise"),
    );
  });
});
