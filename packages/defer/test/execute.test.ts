import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { execute, Failure } from "@torsion/defer";
import { trackReports } from "./helpers.js";

describe("execute", () => {
  trackReports();

  it("calls the function at once with the arguments and succeeds with its return value", () => {
    const calls: unknown[] = [];
    const d = execute(
      (a: number, b: string) => {
        calls.push([a, b]);
        return `${b}${a}`;
      },
      1,
      "x",
    );
    assert.deepEqual(calls, [[1, "x"]]);
    assert.deepEqual(d.peek(), { state: "succeeded", result: "x1" });
  });

  it("fails with what the function threw instead of throwing", () => {
    const error = new Error("thrown");
    const d = execute(() => {
      throw error;
    });
    const state = d.peek();
    assert.equal(state.state, "failed");
    assert.equal((state as { failure: Failure }).failure.value, error);
    d.addErrback(() => null);
  });

  it("does not inspect the return value: a promise becomes the result as it is", () => {
    const promise = Promise.resolve(1);
    const state = execute(() => promise).peek();
    assert.equal(state.state, "succeeded");
    assert.equal((state as { result: unknown }).result, promise);
  });
});
