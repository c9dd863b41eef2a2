import { Deferred } from "./deferred.js";

/**
 * A Deferred that has already fired on the error track with `reason` (wrapped with
 * `Failure.from`; without an argument, a Failure of a generic `Error`). Errbacks added to it
 * run at once. Like any failed Deferred, it is reported as unhandled if no errback handles
 * the failure before the unhandled-failure check (see {@link Deferred}).
 */
export function fail<T = never>(reason?: unknown): Deferred<T> {
  const deferred = new Deferred<T>();
  if (arguments.length === 0) deferred.errback();
  else deferred.errback(reason);
  return deferred;
}
