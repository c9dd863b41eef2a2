export {
  TorsionError,
  AlreadyCalledError,
  CancelledError,
  TimeoutError,
  FirstError,
  FailureGroup,
  NotACoroutineError,
  QueueOverflow,
  QueueUnderflow,
  NotAcquiredError,
  DeferredCycleError,
  ThrownValueError,
} from "./errors.js";
export { Failure, type ErrorClass } from "./failure.js";
export { type ErrorReporter, defaultErrorReporter, setErrorReporter, getErrorReporter, reportError } from "./error-reporter.js";
export type { ITimeoutClock, ITimeoutDelayedCall } from "./timeout-clock.js";
export { Deferred, UNHANDLED_CONTEXT } from "./deferred.js";
export type { AddCallbacksOptions, CallbackReturn, Canceller, DeferredState } from "./deferred-types.js";
export type { OnTimeoutCancel } from "./add-timeout.js";
export { succeed } from "./succeed.js";
export { fail } from "./fail.js";
export { execute } from "./execute.js";
export { maybeDeferred } from "./maybe-deferred.js";
export { ensureDeferred } from "./ensure-deferred.js";
export { DeferredList, type DeferredListEntry, type DeferredListOptions, type DeferredListResult } from "./deferred-list.js";
export { gatherResults } from "./gather-results.js";
export { race } from "./race.js";
export { ConcurrencyPrimitive } from "./concurrency-primitive.js";
export { DeferredLock } from "./deferred-lock.js";
export { DeferredSemaphore } from "./deferred-semaphore.js";
export { DeferredQueue } from "./deferred-queue.js";
