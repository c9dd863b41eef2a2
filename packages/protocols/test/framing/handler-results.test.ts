import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deferred } from "@torsion/defer";
import { HandlerResults } from "@torsion/protocols/internal";

describe("HandlerResults", () => {
  it("settles to undefined when only undefined was added, and is empty", () => {
    const results = new HandlerResults();
    results.add(undefined);
    assert.equal(results.empty, true);
    assert.equal(results.settle(), undefined);
  });

  it("settles to the one kept result itself, then is empty again", () => {
    const results = new HandlerResults();
    const deferred = new Deferred<void>();
    results.add(deferred);
    assert.equal(results.empty, false);
    assert.equal(results.settle(), deferred);
    assert.equal(results.settle(), undefined);
  });

  it("settles several results to one promise rejected with the first rejection", async () => {
    const results = new HandlerResults();
    const first = new Error("first");
    results.add(Promise.resolve());
    results.add(Promise.reject(first));
    results.add(Promise.reject(new Error("second")));
    await assert.rejects(Promise.resolve(results.settle()), first);
  });

  it("settles several fulfilled results to a promise of undefined", async () => {
    const results = new HandlerResults();
    results.add(Promise.resolve(1));
    results.add(Promise.resolve(2));
    assert.equal(await results.settle(), undefined);
  });

  it("holds kept results as one handled promise that the next settle returns", async () => {
    const results = new HandlerResults();
    const failure = new Error("held");
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      results.add(Promise.reject(failure));
      results.hold();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
      await assert.rejects(Promise.resolve(results.settle()), failure);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("holds nothing when nothing was kept", () => {
    const results = new HandlerResults();
    results.hold();
    assert.equal(results.settle(), undefined);
  });
});
