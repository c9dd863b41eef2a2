import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as defer from "@torsion/defer";

describe("@torsion/defer barrel", () => {
  it("exports the whole public runtime API", () => {
    const expected = [
      "AlreadyCalledError",
      "CancelledError",
      "ConcurrencyPrimitive",
      "Deferred",
      "DeferredList",
      "DeferredCycleError",
      "DeferredLock",
      "DeferredQueue",
      "DeferredSemaphore",
      "Failure",
      "FailureGroup",
      "FirstError",
      "NotACoroutineError",
      "NotAcquiredError",
      "QueueOverflow",
      "QueueUnderflow",
      "ThrownValueError",
      "TimeoutError",
      "TorsionError",
      "UNHANDLED_CONTEXT",
      "defaultErrorReporter",
      "ensureDeferred",
      "execute",
      "fail",
      "gatherResults",
      "getErrorReporter",
      "maybeDeferred",
      "race",
      "reportError",
      "setErrorReporter",
      "succeed",
    ];
    assert.deepEqual(Object.keys(defer).sort(), expected.sort());
  });
});
