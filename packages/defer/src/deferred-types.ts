import type { Deferred } from "./deferred.js";
import type { Failure } from "./failure.js";

/**
 * What a callback or errback may return: a value (continues on the success track), a
 * {@link Failure} (switches to the error track), or a `Deferred`/`PromiseLike` (suspends the
 * chain until it settles, then continues with its result).
 */
export type CallbackReturn<U> = U | Failure | Deferred<U> | PromiseLike<U>;

/**
 * Called by `Deferred.cancel` on a Deferred that has not fired yet, with that Deferred, to
 * stop the pending operation. It may fire the Deferred; its return value is ignored.
 */
export type Canceller<T> = (deferred: Deferred<T>) => void;

/** Extra arguments for `Deferred.addCallbacks`, passed after the result or failure. */
export interface AddCallbacksOptions<A extends unknown[], B extends unknown[]> {
  readonly callbackArgs?: A;
  readonly errbackArgs?: B;
}

/**
 * A snapshot of a Deferred's chain, from `Deferred.peek`. `pending` covers "not fired yet",
 * "paused", "waiting on a Deferred or promise returned by a callback", "running one of
 * its callbacks right now" and "its `chainDeferred` target is running its chain".
 */
export type DeferredState<T> =
  | { readonly state: "pending" }
  | { readonly state: "succeeded"; readonly result: T }
  | { readonly state: "failed"; readonly failure: Failure };
