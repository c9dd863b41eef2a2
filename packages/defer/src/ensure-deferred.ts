import { Deferred } from "./deferred.js";

/**
 * Turns the promise of an `async` function call into a Deferred, or returns a Deferred
 * as-is: `ensureDeferred(main(reactor))`. An `async` function that awaits Deferreds is
 * Torsion's `inlineCallbacks`; this is how Deferred-based code consumes it. Same as
 * `Deferred.fromCoroutine`.
 *
 * @throws NotACoroutineError if `coroutine` is neither a promise nor a Deferred
 */
export function ensureDeferred<T>(coroutine: Deferred<T> | PromiseLike<T>): Deferred<T> {
  return Deferred.fromCoroutine(coroutine);
}
