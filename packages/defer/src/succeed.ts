import { Deferred } from "./deferred.js";

/**
 * A Deferred that has already fired with `result`: for code that must return a Deferred but
 * has its answer at hand. Callbacks added to it run at once, inside `addCallback`.
 *
 * @throws TypeError if `result` is a Deferred (return that Deferred directly instead)
 */
export function succeed<T>(result: T): Deferred<T> {
  const deferred = new Deferred<T>();
  deferred.callback(result);
  return deferred;
}
