import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AlreadyCalled, AlreadyCancelled } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { TimerQueue, createNodeTimerDriver } from "@torsion/reactor/internal";
import { FakeDriver, activeTimeouts, captureReports, sleep, type Report } from "./support.js";

/** A TimerQueue on a fake clock and a fake driver. */
function makeQueue(): { queue: TimerQueue; driver: FakeDriver; clock: { now: number }; log: string[]; reports: Report[] } {
  const clock = { now: 100 };
  const driver = new FakeDriver();
  const { reports, reporter } = captureReports();
  const queue = new TimerQueue({ now: () => clock.now, report: (error, context) => reporter(Failure.from(error), context), driver });
  return { queue, driver, clock, log: [], reports };
}

/** Advances the fake clock by `seconds` and fires the driver if armed. */
function advance(q: { driver: FakeDriver; clock: { now: number } }, seconds: number): void {
  q.clock.now += seconds;
  if (q.driver.armed) q.driver.fire();
}

describe("TimerQueue", { timeout: 5000 }, () => {
  it("runs due calls in time order, whatever order they were scheduled in", () => {
    const q = makeQueue();
    q.queue.schedule(3, () => q.log.push("c"), []);
    q.queue.schedule(1, () => q.log.push("a"), []);
    q.queue.schedule(2, () => q.log.push("b"), []);
    advance(q, 5);
    assert.deepEqual(q.log, ["a", "b", "c"]);
  });

  it("runs calls due at the same time in the order they were scheduled", () => {
    const q = makeQueue();
    for (const name of ["first", "second", "third", "fourth"]) q.queue.schedule(1, () => q.log.push(name), []);
    advance(q, 1);
    assert.deepEqual(q.log, ["first", "second", "third", "fourth"]);
  });

  it("runs only the calls that are due and re-arms for the next one", () => {
    const q = makeQueue();
    q.queue.schedule(1, () => q.log.push("soon"), []);
    q.queue.schedule(4, () => q.log.push("later"), []);
    assert.equal(q.driver.lastDelayMs, 1000);
    advance(q, 1);
    assert.deepEqual(q.log, ["soon"]);
    assert.equal(q.driver.lastDelayMs, 3000);
    advance(q, 3);
    assert.deepEqual(q.log, ["soon", "later"]);
  });

  it("passes the scheduled arguments to the function", () => {
    const q = makeQueue();
    q.queue.schedule(0, (a: number, b: string) => q.log.push(`${a}${b}`), [7, "x"]);
    advance(q, 0);
    assert.deepEqual(q.log, ["7x"]);
  });

  it("makes a call scheduled during a pass wait for the next pass, even with delay 0", () => {
    const q = makeQueue();
    q.queue.schedule(
      1,
      () => {
        q.log.push("outer");
        q.queue.schedule(0, () => q.log.push("inner"), []);
      },
      [],
    );
    q.queue.schedule(1, () => q.log.push("sibling"), []);
    advance(q, 1);
    assert.deepEqual(q.log, ["outer", "sibling"]);
    assert.equal(q.queue.size, 1);
    advance(q, 0);
    assert.deepEqual(q.log, ["outer", "sibling", "inner"]);
  });

  it("applies delay() lazily: the call is requeued when its original time comes, and runs at the new time", () => {
    const q = makeQueue();
    const call = q.queue.schedule(1, () => q.log.push("ran"), []);
    call.delay(2);
    assert.equal(call.getTime(), 103);
    assert.equal(q.driver.armings.length, 1, "delaying does not re-arm the timer");
    advance(q, 1);
    assert.deepEqual(q.log, []);
    assert.equal(call.time, 103);
    assert.equal(call.delayedTime, 0);
    assert.equal(q.driver.lastDelayMs, 2000);
    advance(q, 2);
    assert.deepEqual(q.log, ["ran"]);
  });

  it("moves a call earlier on reset() to a sooner time and re-arms the timer", () => {
    const q = makeQueue();
    const call = q.queue.schedule(10, () => q.log.push("reset"), []);
    q.queue.schedule(5, () => q.log.push("other"), []);
    call.reset(1);
    assert.equal(call.getTime(), 101);
    assert.equal(q.driver.lastDelayMs, 1000);
    advance(q, 1);
    assert.deepEqual(q.log, ["reset"]);
  });

  it("moves a call earlier on a negative delay() and re-arms the timer", () => {
    const q = makeQueue();
    const call = q.queue.schedule(5, () => q.log.push("ran"), []);
    call.delay(-3);
    assert.equal(call.getTime(), 102);
    assert.equal(q.driver.lastDelayMs, 2000);
    advance(q, 2);
    assert.deepEqual(q.log, ["ran"]);
  });

  it("treats reset() to a later time like a lazy delay", () => {
    const q = makeQueue();
    const call = q.queue.schedule(1, () => q.log.push("ran"), []);
    q.clock.now += 0.5;
    call.reset(2);
    assert.equal(call.getTime(), 102.5);
    advance(q, 0.5);
    assert.deepEqual(q.log, []);
    advance(q, 2);
    assert.deepEqual(q.log, ["ran"]);
  });

  it("never runs a cancelled call and forgets it", () => {
    const q = makeQueue();
    const call = q.queue.schedule(1, () => q.log.push("cancelled"), []);
    q.queue.schedule(1, () => q.log.push("kept"), []);
    call.cancel();
    assert.equal(call.active(), false);
    assert.equal(q.queue.size, 1);
    advance(q, 1);
    assert.deepEqual(q.log, ["kept"]);
  });

  it("throws AlreadyCancelled on cancel, reset or delay of a cancelled call", () => {
    const q = makeQueue();
    const call = q.queue.schedule(1, () => undefined, []);
    call.cancel();
    assert.throws(() => call.cancel(), AlreadyCancelled);
    assert.throws(() => call.reset(1), AlreadyCancelled);
    assert.throws(() => call.delay(1), AlreadyCancelled);
  });

  it("throws AlreadyCalled on cancel, reset or delay of a call that ran", () => {
    const q = makeQueue();
    const call = q.queue.schedule(0, () => undefined, []);
    advance(q, 0);
    assert.equal(call.called, true);
    assert.throws(() => call.cancel(), AlreadyCalled);
    assert.throws(() => call.reset(1), AlreadyCalled);
    assert.throws(() => call.delay(1), AlreadyCalled);
  });

  it("rejects a negative or NaN delay with RangeError and a non-function with TypeError", () => {
    const q = makeQueue();
    assert.throws(() => q.queue.schedule(-0.001, () => undefined, []), RangeError);
    assert.throws(() => q.queue.schedule(Number.NaN, () => undefined, []), RangeError);
    assert.throws(() => q.queue.schedule(1, "nope" as never, []), TypeError);
    assert.equal(q.queue.size, 0);
    assert.equal(q.driver.armed, false);
  });

  it("reports an exception thrown by a call and still runs the other due calls", () => {
    const q = makeQueue();
    const boom = new Error("boom");
    q.queue.schedule(1, () => q.log.push("before"), []);
    q.queue.schedule(
      1,
      () => {
        throw boom;
      },
      [],
    );
    q.queue.schedule(1, () => q.log.push("after"), []);
    advance(q, 1);
    assert.deepEqual(q.log, ["before", "after"]);
    assert.equal(q.reports.length, 1);
    assert.equal(q.reports[0]?.failure.value, boom);
    assert.match(q.reports[0]?.context ?? "", /delayed call/);
  });

  it("lists pending calls earliest first, without the ones that ran or were cancelled", () => {
    const q = makeQueue();
    const late = q.queue.schedule(5, () => undefined, []);
    const ran = q.queue.schedule(1, () => undefined, []);
    const cancelled = q.queue.schedule(2, () => undefined, []);
    const early = q.queue.schedule(3, () => undefined, []);
    cancelled.cancel();
    advance(q, 1);
    assert.equal(ran.called, true);
    assert.deepEqual(q.queue.pending(), [early, late]);
  });

  it("disarms its timer when the last pending call is cancelled or has run", () => {
    const q = makeQueue();
    const call = q.queue.schedule(1, () => undefined, []);
    assert.equal(q.driver.armed, true);
    call.cancel();
    assert.equal(q.driver.armed, false);
    q.queue.schedule(1, () => undefined, []);
    advance(q, 1);
    assert.equal(q.driver.armed, false);
  });

  it("arms its timer once for many calls scheduled after the earliest", () => {
    const q = makeQueue();
    for (let i = 0; i < 1000; i += 1) q.queue.schedule(1 + i / 1000, () => undefined, []);
    assert.equal(q.driver.armings.length, 1);
  });

  it("runs nothing and re-arms when its timer fires before the earliest call is due", () => {
    const q = makeQueue();
    q.queue.schedule(1, () => q.log.push("ran"), []);
    q.clock.now += 0.9996;
    q.driver.fire();
    assert.deepEqual(q.log, []);
    assert.equal(q.driver.armed, true);
    assert.equal(q.driver.lastDelayMs, 1, "re-armed for the remaining fraction of a millisecond, rounded up");
  });

  it("cancels every pending call with cancelAll and returns how many there were", () => {
    const q = makeQueue();
    const calls = [1, 2, 3].map((delay) => q.queue.schedule(delay, () => q.log.push("ran"), []));
    assert.equal(q.queue.cancelAll(), 3);
    assert.ok(calls.every((call) => call.cancelled));
    assert.equal(q.driver.armed, false);
    advance(q, 5);
    assert.deepEqual(q.log, []);
  });

  it("keeps a call cancelled during a pass from running in that pass", () => {
    const q = makeQueue();
    const victim = q.queue.schedule(1, () => q.log.push("victim"), []);
    q.queue.schedule(
      0.5,
      () => {
        q.log.push("killer");
        victim.cancel();
      },
      [],
    );
    advance(q, 1);
    assert.deepEqual(q.log, ["killer"]);
    assert.equal(victim.cancelled, true);
  });

  it("fires through a real Node timer by default", async () => {
    const queue = new TimerQueue({ now: () => performance.now() / 1000, report: () => assert.fail("nothing to report") });
    let ran = false;
    queue.schedule(
      0.005,
      () => {
        ran = true;
      },
      [],
    );
    await sleep(40);
    assert.equal(ran, true);
    assert.equal(queue.size, 0);
  });

  it("clears a real Node timer when disarmed", () => {
    const driver = createNodeTimerDriver();
    const before = activeTimeouts();
    driver.arm(10_000, () => assert.fail("must not fire"));
    assert.equal(activeTimeouts(), before + 1);
    driver.disarm();
    assert.equal(activeTimeouts(), before);
  });
});
