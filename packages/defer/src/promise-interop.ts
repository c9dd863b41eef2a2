import type { Deferred } from "./deferred.js";
import { reportError } from "./error-reporter.js";
import { NotACoroutineError } from "./errors.js";

/**
 * Internal helpers for Deferred ⇄ promise conversion (`Deferred.fromPromise`,
 * `Deferred.fromCoroutine`, callbacks returning promises, `maybeDeferred`).
 */

/**
 * Whether `value` has a callable `then`: a Promise, a Deferred, any thenable. Reading `then`
 * may run a getter, which may throw; callers catch.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  return typeof (value as { then?: unknown }).then === "function";
}

/**
 * Makes `deferred` fire when `promise` settles. A `then` that throws synchronously errbacks
 * at once. If `deferred` cannot take the outcome (someone else fired it), the resulting
 * error is reported rather than lost; the one outcome arriving after a `cancel()` without
 * canceller is silently ignored by the Deferred itself.
 */
export function adoptPromise<T>(promise: PromiseLike<T>, deferred: Deferred<T>): void {
  try {
    promise.then(
      (value) => settle(() => deferred.callback(value)),
      (reason: unknown) => settle(() => deferred.errback(reason)),
    );
  } catch (error) {
    deferred.errback(error);
  }
}

function settle(fire: () => void): void {
  try {
    fire();
  } catch (error) {
    reportError(error, "error firing the Deferred of a settled promise");
  }
}

/**
 * Checks what `fromCoroutine`/`ensureDeferred` were given.
 *
 * @throws NotACoroutineError if `value` is neither a promise nor a Deferred
 */
export function requireThenable<T>(value: PromiseLike<T>): PromiseLike<T> {
  if (isThenable(value)) return value;
  throw new NotACoroutineError(`${describeValue(value)} is not a promise (the result of an async function) or a Deferred`);
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (value === null || typeof value !== "object") return String(value);
  return Object.prototype.toString.call(value);
}
