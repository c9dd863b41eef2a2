import { Deferred } from "./deferred.js";
import { fail } from "./fail.js";
import { Failure } from "./failure.js";
import { succeed } from "./succeed.js";
import { isThenable } from "./promise-interop.js";

/**
 * Calls `fn(...args)` now and always gives back a Deferred:
 * - a returned Deferred is returned as-is;
 * - a returned promise (or other `PromiseLike`, e.g. from an `async` function) is converted
 *   with `Deferred.fromPromise`, so it fires on a later microtask;
 * - a returned {@link Failure} gives a failed Deferred;
 * - a thrown error gives a failed Deferred (it never propagates);
 * - any other value gives a Deferred that has already fired with it.
 */
export function maybeDeferred<U, A extends unknown[]>(
  fn: (...args: A) => U | Deferred<U> | PromiseLike<U> | Failure,
  ...args: A
): Deferred<U> {
  let result: U | Deferred<U> | PromiseLike<U> | Failure;
  try {
    result = fn(...args);
  } catch (error) {
    return fail<U>(error);
  }
  if (result instanceof Deferred) return result;
  if (result instanceof Failure) return fail<U>(result);
  if (isThenable(result)) return Deferred.fromPromise(result);
  return succeed(result);
}
