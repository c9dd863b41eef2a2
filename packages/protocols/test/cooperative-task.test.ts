import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deferred, setErrorReporter } from "@torsion/defer";
import type { ErrorReporter } from "@torsion/defer";
import { Clock, assertNoResult, failureResultOf, successResultOf } from "@torsion/testing";
import { COOPERATOR_TICK_DELAY, Cooperator, NotPaused, TaskDone, TaskFailed, TaskStopped } from "@torsion/protocols";
import type { TerminationPredicateFactory } from "@torsion/protocols";

const manyPerTick: TerminationPredicateFactory = () => {
  let n = 0;
  return () => ++n >= 1000;
};

function setUp(): { clock: Clock; cooperator: Cooperator; tick: () => void } {
  const clock = new Clock();
  const cooperator = new Cooperator({ clock, terminationPredicateFactory: manyPerTick });
  return { clock, cooperator, tick: () => clock.advance(COOPERATOR_TICK_DELAY) };
}

let previousReporter: ErrorReporter | null = null;
afterEach(() => {
  if (previousReporter !== null) setErrorReporter(previousReporter);
  previousReporter = null;
});

describe("CooperativeTask", () => {
  it("fires whenDone with its iterator when exhausted, also for whenDone called afterwards", () => {
    const { cooperator, tick } = setUp();
    const iterator = [1, 2, 3][Symbol.iterator]();
    const task = cooperator.cooperate(iterator);
    const early = task.whenDone();
    assertNoResult(early);
    tick();
    assert.equal(successResultOf(early), iterator);
    assert.equal(successResultOf(task.whenDone()), iterator);
    assert.equal(task.finished, true);
    assert.throws(() => task.pause(), TaskDone);
    assert.throws(() => task.stop(), TaskDone);
  });

  it("fails whenDone with the iterator's error, and then throws TaskFailed carrying it", () => {
    const { cooperator, tick } = setUp();
    const boom = new Error("boom");
    function* failing(): Generator<number> {
      yield 1;
      throw boom;
    }
    const task = cooperator.cooperate(failing());
    const done = task.whenDone();
    tick();
    assert.equal(failureResultOf(done).value, boom);
    assert.throws(
      () => task.pause(),
      (error: unknown) => error instanceof TaskFailed && error.cause === boom,
    );
  });

  it("stops with TaskStopped and is never advanced again", () => {
    const { cooperator, tick } = setUp();
    let steps = 0;
    const task = cooperator.cooperate(
      (function* () {
        for (;;) {
          steps++;
          yield undefined;
        }
      })(),
    );
    const done = task.whenDone();
    task.stop();
    tick();
    failureResultOf(done, TaskStopped);
    assert.equal(steps, 0);
    assert.throws(() => task.stop(), TaskStopped);
  });

  it("counts pauses and runs again only after as many resumes", () => {
    const { cooperator, tick } = setUp();
    const task = cooperator.cooperate([1, 2]);
    task.pause();
    task.pause();
    assert.equal(task.pauseCount, 2);
    tick();
    task.resume();
    tick();
    assertNoResult(task.whenDone());
    task.resume();
    tick();
    successResultOf(task.whenDone());
    assert.throws(() => task.resume(), NotPaused);
  });

  it("waits for a yielded Deferred while the other tasks keep running", () => {
    const { cooperator, tick } = setUp();
    const gate = new Deferred<string>();
    const log: string[] = [];
    cooperator.cooperate(
      (function* () {
        log.push("a waits");
        yield gate;
        log.push("a resumed");
      })(),
    );
    const other = cooperator.coiterate(
      (function* () {
        for (let i = 0; i < 3; i++) {
          log.push(`b${i}`);
          yield undefined;
        }
      })(),
    );
    tick();
    assert.deepEqual(log, ["a waits", "b0", "b1", "b2"]);
    successResultOf(other);
    gate.callback("go");
    tick();
    assert.deepEqual(log.slice(4), ["a resumed"]);
  });

  it("fails when a yielded Deferred fails", () => {
    const { cooperator, tick } = setUp();
    const gate = new Deferred<string>();
    const task = cooperator.cooperate(
      (function* () {
        yield gate;
      })(),
    );
    tick();
    const done = task.whenDone();
    const error = new Error("remote failure");
    gate.errback(error);
    assert.equal(failureResultOf(done).value, error);
    assert.throws(() => task.pause(), TaskFailed);
  });

  it("waits for a yielded promise to settle", async () => {
    const { cooperator, tick } = setUp();
    const log: string[] = [];
    let release: (value: string) => void = () => {};
    const promise = new Promise<string>((resolve) => (release = resolve));
    const task = cooperator.cooperate(
      (function* () {
        yield promise;
        log.push("after promise");
      })(),
    );
    tick();
    tick();
    assert.deepEqual(log, []);
    release("ok");
    await promise;
    await Promise.resolve();
    tick();
    assert.deepEqual(log, ["after promise"]);
    successResultOf(task.whenDone());
  });

  it("reports the failure of a Deferred it was waiting on after it was stopped", () => {
    const reports: string[] = [];
    previousReporter = setErrorReporter((failure) => reports.push(failure.getErrorMessage()));
    const { cooperator, tick } = setUp();
    const gate = new Deferred<string>();
    const task = cooperator.cooperate(
      (function* () {
        yield gate;
      })(),
    );
    tick();
    const done = task.whenDone();
    task.stop();
    failureResultOf(done, TaskStopped);
    gate.errback(new Error("late"));
    assert.deepEqual(reports, ["late"]);
  });
});
