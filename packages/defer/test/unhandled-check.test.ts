// The batching of unhandled-failure checks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Failure, fail, setErrorReporter } from "@torsion/defer";
import { nextTurn } from "./helpers.js";

describe("unhandled-failure check batches", () => {
  it("run after setImmediate callbacks queued before the failure and before those queued after it", async () => {
    const order: string[] = [];
    const previous = setErrorReporter((failure) => order.push(`report:${failure.getErrorMessage()}`));
    try {
      setImmediate(() => order.push("immediate queued before"));
      fail(new Error("a"));
      fail(new Error("b"));
      setImmediate(() => order.push("immediate queued after"));
      await nextTurn();
    } finally {
      setErrorReporter(previous);
    }
    assert.deepEqual(order, ["immediate queued before", "report:a", "report:b", "immediate queued after"]);
  });

  it("defer a failure that appears while a batch runs to the next batch, without losing it", async () => {
    const reported: string[] = [];
    const previous = setErrorReporter((failure: Failure) => {
      reported.push(failure.getErrorMessage());
      if (failure.getErrorMessage() === "first") fail(new Error("raised while reporting"));
    });
    try {
      fail(new Error("first"));
      await nextTurn();
      assert.deepEqual(reported, ["first"]);
      await nextTurn();
      assert.deepEqual(reported, ["first", "raised while reporting"]);
    } finally {
      setErrorReporter(previous);
    }
  });
});
