import type { Deferred } from "./deferred.js";
import { fail } from "./fail.js";
import { succeed } from "./succeed.js";

/**
 * Calls `fn(...args)` now and returns a Deferred that has already fired: with its return
 * value, or with a Failure of what it threw. The return value is not inspected; use
 * `maybeDeferred` for functions that may return a Deferred or a promise.
 *
 * @throws TypeError if `fn` returns a Deferred (see `succeed`)
 */
export function execute<U, A extends unknown[]>(fn: (...args: A) => U, ...args: A): Deferred<U> {
  let result: U;
  try {
    result = fn(...args);
  } catch (error) {
    return fail<U>(error);
  }
  return succeed(result);
}
