import { CancelledError, TimeoutError } from "./errors.js";
import { Failure } from "./failure.js";
import type { Deferred } from "./deferred.js";
import type { ITimeoutClock } from "./timeout-clock.js";

/** Translates the outcome of a timed-out Deferred; see `Deferred.addTimeout`. */
export type OnTimeoutCancel<T> = (result: T | Failure, seconds: number) => unknown;

/**
 * The implementation of `Deferred.addTimeout`: schedules `deferred.cancel()` after
 * `seconds`, then adds two pairs: one translating the outcome if (and only if) the timeout
 * fired, one cancelling the delayed call if it is still pending. Internal.
 */
export function addTimeoutTo<T>(deferred: Deferred<T>, seconds: number, clock: ITimeoutClock, onTimeoutCancel?: OnTimeoutCancel<T>): void {
  let timedOut = false;
  const call = clock.callLater(seconds, () => {
    timedOut = true;
    deferred.cancel();
  });
  const translate = onTimeoutCancel ?? cancelledToTimeout;
  deferred
    .addBoth((result) => (timedOut ? translate(result, seconds) : result))
    .addBoth((result) => {
      if (call.active()) call.cancel();
      return result;
    });
}

/** The default translation: a {@link CancelledError} failure becomes a {@link TimeoutError}. */
function cancelledToTimeout(result: unknown, seconds: number): unknown {
  if (result instanceof Failure) {
    result.trap(CancelledError);
    throw new TimeoutError(`Deferred timed out after ${seconds} seconds`, { cause: result.value });
  }
  return result;
}
