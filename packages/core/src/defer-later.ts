import { Deferred } from "@torsion/defer";
import type { IReactorTime } from "./interfaces/i-reactor-time.js";

/**
 * Returns a Deferred that fires `delay` seconds from now (on `clock`) with the result of
 * `fn(...args)`, or with `undefined` when no `fn` is given. If `fn` throws, the Deferred
 * errbacks with that error; if it returns a Deferred or a promise, the Deferred waits
 * for it and fires with its result.
 *
 * Cancelling the returned Deferred before it fired cancels the delayed call (so `fn` never
 * runs) and errbacks it with `CancelledError`. `fn` runs at most once.
 *
 * @param clock - the reactor or the test `Clock`
 * @param delay - seconds to wait; negative throws `RangeError` (from the clock)
 */
export function deferLater<T = undefined, A extends unknown[] = []>(
  clock: IReactorTime,
  delay: number,
  fn?: (...args: A) => T | Deferred<T> | PromiseLike<T>,
  ...args: A
): Deferred<T> {
  let call: { cancel(): void; active(): boolean } | null = null;
  const deferred = new Deferred<undefined>(() => {
    if (call?.active()) call.cancel();
  });
  const result = deferred.addCallback((): T | Deferred<T> | PromiseLike<T> => (fn === undefined ? (undefined as T) : fn(...args)));
  call = clock.callLater(delay, () => deferred.callback(undefined));
  return result;
}
