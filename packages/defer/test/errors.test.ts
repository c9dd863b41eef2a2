import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AlreadyCalledError,
  CancelledError,
  DeferredCycleError,
  Failure,
  FailureGroup,
  FirstError,
  NotACoroutineError,
  NotAcquiredError,
  QueueOverflow,
  QueueUnderflow,
  ThrownValueError,
  TimeoutError,
  TorsionError,
} from "@torsion/defer";

describe("defer errors", () => {
  it("give every error class its class name and a stable ERR_ code", () => {
    const cases: [TorsionError, string, string][] = [
      [new AlreadyCalledError(), "AlreadyCalledError", "ERR_ALREADY_CALLED"],
      [new CancelledError(), "CancelledError", "ERR_CANCELLED"],
      [new TimeoutError(), "TimeoutError", "ERR_DEFERRED_TIMEOUT"],
      [new NotACoroutineError(), "NotACoroutineError", "ERR_NOT_A_COROUTINE"],
      [new QueueOverflow(), "QueueOverflow", "ERR_QUEUE_OVERFLOW"],
      [new QueueUnderflow(), "QueueUnderflow", "ERR_QUEUE_UNDERFLOW"],
      [new NotAcquiredError(), "NotAcquiredError", "ERR_NOT_ACQUIRED"],
      [new FailureGroup([]), "FailureGroup", "ERR_FAILURE_GROUP"],
      [new FirstError(new Failure(new Error("x")), 0), "FirstError", "ERR_FIRST_ERROR"],
      [new ThrownValueError(1), "ThrownValueError", "ERR_THROWN_VALUE"],
      [new DeferredCycleError(2), "DeferredCycleError", "ERR_DEFERRED_CYCLE"],
    ];
    for (const [error, name, code] of cases) {
      assert.ok(error instanceof TorsionError);
      assert.equal(error.name, name);
      assert.equal(error.code, code);
    }
  });

  it("make FirstError carry the sub-failure and index, with the sub-error as cause", () => {
    const sub = new Failure(new RangeError("inner"));
    const error = new FirstError(sub, 3);
    assert.equal(error.subFailure, sub);
    assert.equal(error.index, 3);
    assert.equal(error.cause, sub.value);
    assert.equal(error.message, "FirstError[#3, inner]");
  });

  it("make FailureGroup carry its failures and count them in the message", () => {
    const failures = [new Failure(new Error("a")), new Failure(new Error("b"))];
    const group = new FailureGroup(failures);
    assert.equal(group.failures, failures);
    assert.match(group.message, /all 2 Deferreds failed/);
  });

  it("make ThrownValueError keep the thrown value and describe it", () => {
    const error = new ThrownValueError("text");
    assert.equal(error.thrown, "text");
    assert.match(error.message, /"text"/);
    assert.match(new ThrownValueError(Object.create(null)).message, /\[object Object\]/);
  });
});
