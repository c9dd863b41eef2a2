import type { Failure } from "./failure.js";
import { TorsionError } from "./torsion-error.js";

export { TorsionError };

/** A Deferred (or a DelayedCall-like one-shot) was fired a second time. */
export class AlreadyCalledError extends TorsionError {
  override name = "AlreadyCalledError";
  override readonly code = "ERR_ALREADY_CALLED";
}

/** A Deferred was cancelled and its canceller did not fire it. */
export class CancelledError extends TorsionError {
  override name = "CancelledError";
  override readonly code = "ERR_CANCELLED";
}

/**
 * A Deferred timed out through `addTimeout`. Distinct from the connect-timeout
 * `TimeoutError` of `@torsion/core`, exactly as Twisted's `defer.TimeoutError` is distinct
 * from `error.TimeoutError`.
 */
export class TimeoutError extends TorsionError {
  override name = "TimeoutError";
  override readonly code = "ERR_DEFERRED_TIMEOUT";
}

/** The first failure among the Deferreds of a `DeferredList`/`gatherResults`. */
export class FirstError extends TorsionError {
  override name = "FirstError";
  override readonly code = "ERR_FIRST_ERROR";
  /** The failure of the Deferred that failed first. */
  readonly subFailure: Failure;
  /** The position of that Deferred in the list. */
  readonly index: number;

  constructor(subFailure: Failure, index: number) {
    super(`FirstError[#${index}, ${subFailure.getErrorMessage()}]`, { cause: subFailure.value });
    this.subFailure = subFailure;
    this.index = index;
  }
}

/** Every Deferred given to `race` failed; `failures` holds them in input order. */
export class FailureGroup extends TorsionError {
  override name = "FailureGroup";
  override readonly code = "ERR_FAILURE_GROUP";
  readonly failures: readonly Failure[];

  constructor(failures: readonly Failure[]) {
    super(`all ${failures.length} Deferreds failed`);
    this.failures = failures;
  }
}

/** `ensureDeferred`/`fromCoroutine` was given something that is not a promise or Deferred. */
export class NotACoroutineError extends TorsionError {
  override name = "NotACoroutineError";
  override readonly code = "ERR_NOT_A_COROUTINE";
}

/** `DeferredQueue.put` was called while the queue already held `size` objects. */
export class QueueOverflow extends TorsionError {
  override name = "QueueOverflow";
  override readonly code = "ERR_QUEUE_OVERFLOW";
}

/** `DeferredQueue.get` was called while `backlog` gets were already waiting. */
export class QueueUnderflow extends TorsionError {
  override name = "QueueUnderflow";
  override readonly code = "ERR_QUEUE_UNDERFLOW";
}

/**
 * `release()` was called on a `DeferredLock` that is not locked, or on a
 * `DeferredSemaphore` more times than it was acquired.
 */
export class NotAcquiredError extends TorsionError {
  override name = "NotAcquiredError";
  override readonly code = "ERR_NOT_ACQUIRED";
}

/**
 * `cancel()` followed the Deferreds a Deferred is waiting on (each returned by a callback of
 * the one before) and came back to one it had already visited: they wait on each other, so
 * none of them can ever fire. Thrown out of `cancel()`, which then cancels nothing. Twisted
 * raises a `RecursionError` in the same situation.
 */
export class DeferredCycleError extends TorsionError {
  override name = "DeferredCycleError";
  override readonly code = "ERR_DEFERRED_CYCLE";
  /** How many Deferreds form the cycle (1 or more). */
  readonly length: number;

  constructor(length: number) {
    super(
      `cancel() found a cycle of ${length} Deferred${length === 1 ? "" : "s"} waiting on each other; ` +
        "none of them can ever fire, and nothing was cancelled",
    );
    this.length = length;
  }
}

/**
 * Wraps a thrown value that is not an `Error` (a string, a number, `undefined`...), so that
 * `Failure.value` is always an `Error`. The original is kept in `thrown`.
 */
export class ThrownValueError extends TorsionError {
  override name = "ThrownValueError";
  override readonly code = "ERR_THROWN_VALUE";
  readonly thrown: unknown;

  constructor(thrown: unknown) {
    super(`a non-Error value was thrown: ${describe(thrown)}`);
    this.thrown = thrown;
  }
}

function describe(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return "[unprintable value]";
    }
  }
}
