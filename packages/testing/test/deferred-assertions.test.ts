import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deferred, Failure, fail, setErrorReporter, succeed, type ErrorReporter } from "@torsion/defer";
import { DeferredResultError, assertNoResult, failureResultOf, successResultOf } from "@torsion/testing";

const reports: [Failure, string][] = [];
let previous: ErrorReporter | null = null;

/** Waits until the Deferred unhandled-failure checks (run in setImmediate) are done. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

describe("Deferred assertions", () => {
  beforeEach(() => {
    reports.length = 0;
    previous = setErrorReporter((failure, context) => void reports.push([failure, context]));
  });
  afterEach(() => {
    if (previous !== null) setErrorReporter(previous);
  });

  it("successResultOf returns the result of a succeeded Deferred", () => {
    assert.equal(successResultOf(succeed(42)), 42);
  });

  it("successResultOf throws DeferredResultError for a pending Deferred", () => {
    assert.throws(
      () => successResultOf(new Deferred<number>()),
      (e: unknown) => e instanceof DeferredResultError && e.message.includes("no result"),
    );
  });

  it("successResultOf throws for a failed Deferred, with the error as cause, and handles the failure", { timeout: 5_000 }, async () => {
    const error = new TypeError("bad");
    const d = fail<number>(error);
    assert.throws(
      () => successResultOf(d),
      (e: unknown) => e instanceof DeferredResultError && e.cause === error,
    );
    await settle();
    assert.deepEqual(reports, []);
  });

  it("failureResultOf returns the Failure and marks it handled", { timeout: 5_000 }, async () => {
    const error = new RangeError("out");
    const d = fail(error);
    const failure = failureResultOf(d);
    assert.ok(failure instanceof Failure);
    assert.equal(failure.value, error);
    await settle();
    assert.deepEqual(reports, []);
  });

  it("failureResultOf accepts a failure of one of the given types, subclasses included", () => {
    class Special extends RangeError {}
    const failure = failureResultOf(fail(new Special("x")), TypeError, RangeError);
    assert.ok(failure.value instanceof Special);
  });

  it("failureResultOf throws for a failure of another type, and still handles it", { timeout: 5_000 }, async () => {
    const d = fail(new SyntaxError("wrong kind"));
    assert.throws(
      () => failureResultOf(d, TypeError),
      (e: unknown) => e instanceof DeferredResultError && e.message.includes("TypeError") && e.message.includes("SyntaxError"),
    );
    await settle();
    assert.deepEqual(reports, []);
  });

  it("failureResultOf throws for a pending or a succeeded Deferred", () => {
    assert.throws(() => failureResultOf(new Deferred()), DeferredResultError);
    assert.throws(
      () => failureResultOf(succeed("fine")),
      (e: unknown) => e instanceof DeferredResultError && e.message.includes('"fine"'),
    );
  });

  it("assertNoResult passes for a pending Deferred and leaves it usable", () => {
    const d = new Deferred<string>();
    assertNoResult(d);
    d.callback("later");
    assert.equal(successResultOf(d), "later");
  });

  it("assertNoResult throws for a succeeded Deferred", () => {
    assert.throws(() => assertNoResult(succeed(1)), DeferredResultError);
  });

  it("assertNoResult throws for a failed Deferred and handles the failure", { timeout: 5_000 }, async () => {
    const error = new Error("already failed");
    assert.throws(
      () => assertNoResult(fail(error)),
      (e: unknown) => e instanceof DeferredResultError && e.cause === error,
    );
    await settle();
    assert.deepEqual(reports, []);
  });

  it("an unobserved failed Deferred is reported (the check above is meaningful)", { timeout: 5_000 }, async () => {
    fail(new Error("nobody looked"));
    await settle();
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.[0].value.message, "nobody looked");
  });
});
