import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Deferred, type ITimeoutClock, type ITimeoutDelayedCall, TimeoutError } from "@torsion/defer";
import { trackReports } from "./helpers.js";

/** Shaped like @torsion/core's IReactorTime: a generic callLater with extra arguments. */
interface ReactorTimeLike {
  callLater<A extends unknown[]>(delay: number, fn: (...args: A) => unknown, ...args: A): ITimeoutDelayedCall & { getTime(): number };
}

describe("ITimeoutClock", () => {
  trackReports();

  it("is satisfied by an IReactorTime-shaped clock, which addTimeout then uses", () => {
    const scheduled: { delay: number; run: () => void; active: boolean }[] = [];
    const reactorLike: ReactorTimeLike = {
      callLater(delay, fn, ...args) {
        const entry = { delay, run: () => fn(...args), active: true };
        scheduled.push(entry);
        return { cancel: () => (entry.active = false), active: () => entry.active, getTime: () => delay };
      },
    };
    const clock: ITimeoutClock = reactorLike;
    const d = new Deferred<number>();
    d.addTimeout(2.5, clock);
    assert.equal(scheduled.length, 1);
    assert.equal(scheduled[0]?.delay, 2.5);
    scheduled[0]?.run();
    let failure: unknown;
    d.addErrback((f) => {
      failure = f.value;
      return 0;
    });
    assert.ok(failure instanceof TimeoutError);
  });
});
