import type { Deferred } from "./deferred.js";
import { DeferredList } from "./deferred-list.js";

/**
 * Joins several Deferreds (or promises): a Deferred of all their values, in input order,
 * which fires when the last one succeeds, or errbacks with a `FirstError` (carrying the
 * failure and the index) as soon as one fails. An empty input gives `[]` at once.
 *
 * It is a `DeferredList` with `fireOnOneErrback`, so cancelling the result before it fires
 * cancels every member, and the members that fail after the first failure keep their
 * failures (and are reported as unhandled if nothing handles them) unless `consumeErrors`.
 *
 * @param consumeErrors - continue each failed member's chain with `null` (see
 *   `DeferredListOptions.consumeErrors`)
 */
export function gatherResults<T>(deferreds: Iterable<Deferred<T> | PromiseLike<T>>, consumeErrors = false): Deferred<T[]> {
  const list = new DeferredList<T>(deferreds, { fireOnOneErrback: true, consumeErrors });
  return list.addCallback((entries) => entries.map((entry) => entry[1] as T));
}
