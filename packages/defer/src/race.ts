import { Deferred } from "./deferred.js";
import { reportError } from "./error-reporter.js";
import { FailureGroup } from "./errors.js";
import type { Failure } from "./failure.js";

/**
 * Waits for the first of several Deferreds (or promises) to succeed: the result fires with
 * `[index, value]` of the first success, and at that moment every other member is
 * cancelled (in input order; the winner is not). If every member fails, it errbacks with a
 * `FailureGroup` of all the failures in input order. An empty input errbacks at once with an
 * empty `FailureGroup` (Twisted's `race` never fires then).
 *
 * Each member gets one callback pair, which ends that member's chain with `null`: members'
 * results and failures are consumed, never reported as unhandled on the members. Cancelling
 * the result before it fires cancels every member; it then errbacks with the
 * `FailureGroup` of their (usually `CancelledError`) failures. An error thrown by a
 * member's canceller is reported through `reportError` and does not stop the others.
 */
export function race<T>(deferreds: Iterable<Deferred<T> | PromiseLike<T>>): Deferred<[index: number, value: T]> {
  const members = Array.from(deferreds, (each) => Deferred.fromPromise(each));
  const result = new Deferred<[number, T]>(() => {
    for (const member of members) cancelReporting(member);
  });
  const failures: (Failure | undefined)[] = new Array<Failure | undefined>(members.length);
  let failed = 0;
  let winner: Deferred<T> | null = null;
  if (members.length === 0) result.errback(new FailureGroup([]));
  members.forEach((member, index) => {
    member.addCallbacks(
      (value) => {
        if (winner !== null) return null;
        winner = member;
        for (const other of members) if (other !== member) cancelReporting(other);
        result.callback([index, value]);
        return null;
      },
      (failure) => {
        failures[index] = failure;
        failed++;
        if (failed === members.length) result.errback(new FailureGroup(failures as Failure[]));
        return null;
      },
    );
  });
  return result;
}

function cancelReporting(deferred: Deferred<unknown>): void {
  try {
    deferred.cancel();
  } catch (error) {
    reportError(error, "error in the canceller of a race() member");
  }
}
