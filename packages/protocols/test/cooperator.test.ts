import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deferred } from "@torsion/defer";
import { Clock, assertNoResult, failureResultOf, successResultOf } from "@torsion/testing";
import { COOPERATOR_TICK_DELAY, Cooperator, NoClockError, SchedulerStopped, coiterate, cooperate, timeSlice } from "@torsion/protocols";
import type { TerminationPredicateFactory } from "@torsion/protocols";

/** A termination predicate factory that ends each tick after `units` work units. */
function unitsPerTick(units: number): TerminationPredicateFactory {
  return () => {
    let done = 0;
    return () => ++done >= units;
  };
}

function* steps(log: string[], name: string, count: number): Generator<undefined> {
  for (let i = 1; i <= count; i++) {
    log.push(`${name}${i}`);
    yield undefined;
  }
}

describe("Cooperator", () => {
  it("schedules its first tick on the clock, 1e-8 s ahead, and runs nothing before", () => {
    const clock = new Clock();
    const cooperator = new Cooperator({ clock, terminationPredicateFactory: unitsPerTick(10) });
    const log: string[] = [];
    cooperator.cooperate(steps(log, "a", 3));
    assert.deepEqual(log, []);
    assert.deepEqual(
      clock.getDelayedCalls().map((c) => c.getTime()),
      [COOPERATOR_TICK_DELAY],
    );
    clock.advance(COOPERATOR_TICK_DELAY);
    assert.deepEqual(log, ["a1", "a2", "a3"]);
  });

  it("runs tasks round-robin, one step each, and carries the rotation across ticks", () => {
    const clock = new Clock();
    const cooperator = new Cooperator({ clock, terminationPredicateFactory: unitsPerTick(3) });
    const log: string[] = [];
    cooperator.cooperate(steps(log, "a", 3));
    cooperator.cooperate(steps(log, "b", 3));
    clock.advance(COOPERATOR_TICK_DELAY);
    assert.deepEqual(log, ["a1", "b1", "a2"]);
    clock.advance(COOPERATOR_TICK_DELAY);
    assert.deepEqual(log.slice(3), ["b2", "a3", "b3"]);
  });

  it("stops scheduling once every task finished", () => {
    const clock = new Clock();
    const cooperator = new Cooperator({ clock, terminationPredicateFactory: unitsPerTick(100) });
    const d = cooperator.coiterate([1, 2, 3]);
    clock.advance(COOPERATOR_TICK_DELAY);
    assert.ok(successResultOf(d));
    assert.equal(clock.getDelayedCalls().length, 0);
  });

  it("ends a tick after about 10 ms of work by default", () => {
    const clock = new Clock();
    const cooperator = new Cooperator({ clock });
    let done = 0;
    function* busy(): Generator<undefined> {
      for (let i = 0; i < 200; i++) {
        const end = performance.now() + 2;
        while (performance.now() < end) {
          /* spin 2 ms */
        }
        done++;
        yield undefined;
      }
    }
    cooperator.cooperate(busy());
    clock.advance(COOPERATOR_TICK_DELAY);
    assert.ok(done >= 1 && done < 50, `ran ${done} steps in one tick`);
    cooperator.stop();
  });

  it("queues tasks until start() when created with started: false", () => {
    const clock = new Clock();
    const cooperator = new Cooperator({ clock, started: false, terminationPredicateFactory: unitsPerTick(10) });
    const log: string[] = [];
    cooperator.cooperate(steps(log, "a", 2));
    assert.equal(cooperator.running, false);
    assert.equal(clock.getDelayedCalls().length, 0);
    cooperator.start();
    assert.equal(cooperator.running, true);
    clock.advance(COOPERATOR_TICK_DELAY);
    assert.deepEqual(log, ["a1", "a2"]);
  });

  it("stop() fails every unfinished task, paused ones included, with SchedulerStopped", () => {
    const clock = new Clock();
    const cooperator = new Cooperator({ clock, terminationPredicateFactory: unitsPerTick(1) });
    const running = cooperator.cooperate(steps([], "a", 10));
    const paused = cooperator.cooperate(steps([], "b", 10));
    paused.pause();
    const doneRunning = running.whenDone();
    const donePaused = paused.whenDone();
    cooperator.stop();
    failureResultOf(doneRunning, SchedulerStopped);
    failureResultOf(donePaused, SchedulerStopped);
    assert.equal(cooperator.running, false);
    assert.equal(clock.getDelayedCalls().length, 0);
    assert.throws(() => running.stop(), SchedulerStopped);
  });

  it("fails tasks added while stopped at once, and accepts work again after start()", () => {
    const clock = new Clock();
    const cooperator = new Cooperator({ clock, terminationPredicateFactory: unitsPerTick(10) });
    cooperator.stop();
    failureResultOf(cooperator.coiterate([1]), SchedulerStopped);
    cooperator.start();
    const d = cooperator.coiterate([1]);
    clock.advance(COOPERATOR_TICK_DELAY);
    successResultOf(d);
  });

  it("lets a whenDone callback stop the cooperator without failing the finished task twice", () => {
    const clock = new Clock();
    const cooperator = new Cooperator({ clock, terminationPredicateFactory: unitsPerTick(10) });
    const first = cooperator.cooperate([1]);
    const other = cooperator.coiterate(steps([], "x", 50));
    const seen: string[] = [];
    first.whenDone().addCallback(() => {
      cooperator.stop();
      seen.push("stopped");
      return null;
    });
    clock.advance(COOPERATOR_TICK_DELAY);
    assert.deepEqual(seen, ["stopped"]);
    failureResultOf(other, SchedulerStopped);
  });

  it("coiterate fires the given doneDeferred with the iterator", () => {
    const clock = new Clock();
    const cooperator = new Cooperator({ clock, terminationPredicateFactory: unitsPerTick(10) });
    const iterator = [1, 2][Symbol.iterator]();
    const done = new Deferred<Iterator<unknown>>();
    assert.equal(cooperator.coiterate(iterator, done), done);
    assertNoResult(done);
    clock.advance(COOPERATOR_TICK_DELAY);
    assert.equal(successResultOf(done), iterator);
  });

  it("uses an injected scheduler instead of a clock", () => {
    const ticks: (() => void)[] = [];
    const cooperator = new Cooperator({
      scheduler: (tick) => (ticks.push(tick), { cancel() {} }),
      terminationPredicateFactory: unitsPerTick(10),
    });
    const d = cooperator.coiterate([1, 2]);
    assert.equal(ticks.length, 1);
    ticks[0]?.();
    successResultOf(d);
  });

  it("needs a clock or a scheduler", () => {
    assert.throws(() => new Cooperator({}), NoClockError);
  });
});

describe("cooperate and coiterate", () => {
  it("share one cooperator per clock, so tasks on the same clock take turns", () => {
    const clock = new Clock();
    const log: string[] = [];
    const a = cooperate(steps(log, "a", 2), clock);
    const b = coiterate(steps(log, "b", 2), clock);
    // The shared cooperator's time slice is real time (10 ms), so on a loaded machine a
    // tick may end early; the turns keep their order across ticks.
    for (let tick = 0; tick < 10 && log.length < 4; tick++) clock.advance(COOPERATOR_TICK_DELAY);
    assert.deepEqual(log, ["a1", "b1", "a2", "b2"]);
    successResultOf(a.whenDone());
    successResultOf(b);
  });

  it("run on the cooperator they are given", () => {
    const clock = new Clock();
    const cooperator = new Cooperator({ clock, started: false });
    const d = coiterate([1], cooperator);
    const task = cooperate([2], cooperator);
    clock.advance(1);
    assertNoResult(d);
    cooperator.start();
    clock.advance(COOPERATOR_TICK_DELAY);
    successResultOf(d);
    successResultOf(task.whenDone());
  });
});

describe("timeSlice", () => {
  it("ends a slice once maxSlice seconds passed on the given time source", () => {
    let now = 100;
    const predicate = timeSlice(0.01, () => now)();
    assert.equal(predicate(), false);
    now = 100.009;
    assert.equal(predicate(), false);
    now = 100.01;
    assert.equal(predicate(), true);
  });
});
