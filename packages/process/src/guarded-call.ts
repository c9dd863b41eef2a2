import { isThenableValue } from "./thenable.js";

/**
 * Runs a user callback. A synchronous throw, or a rejection of the promise it returns,
 * goes to `onError` (once per call); a `then` getter that throws counts as a throw.
 */
export function guardedCall(fn: () => unknown, onError: (error: unknown) => void): void {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    onError(error);
    return;
  }
  let thenable: boolean;
  try {
    thenable = isThenableValue(result);
  } catch (error) {
    onError(error);
    return;
  }
  if (!thenable) return;
  try {
    (result as PromiseLike<unknown>).then(undefined, onError);
  } catch (error) {
    onError(error);
  }
}
