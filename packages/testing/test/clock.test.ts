import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Clock } from "@torsion/testing";

describe("Clock", () => {
  it("starts at 0 and moves only when advanced", () => {
    const clock = new Clock();
    assert.equal(clock.seconds(), 0);
    clock.advance(1.5);
    clock.advance(0);
    assert.equal(clock.seconds(), 1.5);
  });

  it("runs due calls in time order, each seeing the post-advance time", () => {
    const clock = new Clock();
    const log: [string, number][] = [];
    clock.callLater(3, () => void log.push(["c", clock.seconds()]));
    clock.callLater(1, () => void log.push(["a", clock.seconds()]));
    clock.callLater(2, () => void log.push(["b", clock.seconds()]));
    clock.callLater(5, () => void log.push(["late", clock.seconds()]));
    clock.advance(4);
    assert.deepEqual(log, [
      ["a", 4],
      ["b", 4],
      ["c", 4],
    ]);
    assert.deepEqual(
      clock.getDelayedCalls().map((c) => c.getTime()),
      [5],
    );
  });

  it("runs calls due at the same time in the order they were scheduled", () => {
    const clock = new Clock();
    const log: number[] = [];
    for (let i = 0; i < 10; i++) clock.callLater(1, () => void log.push(i));
    clock.advance(1);
    assert.deepEqual(log, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("puts a call moved earlier onto a tie after the calls already queued for that time", () => {
    const clock = new Clock();
    const log: string[] = [];
    clock.callLater(1, () => void log.push("first"));
    const moved = clock.callLater(5, () => void log.push("moved"));
    clock.callLater(1, () => void log.push("third"));
    moved.reset(1);
    clock.advance(1);
    assert.deepEqual(log, ["first", "third", "moved"]);
  });

  it("runs a call scheduled during advance in the same advance when it is due", () => {
    const clock = new Clock();
    const log: [string, number][] = [];
    clock.callLater(1, () => {
      log.push(["outer", clock.seconds()]);
      clock.callLater(0, () => void log.push(["inner", clock.seconds()]));
      clock.callLater(0.5, () => void log.push(["not due", clock.seconds()]));
    });
    clock.advance(2);
    assert.deepEqual(log, [
      ["outer", 2],
      ["inner", 2],
    ]);
    assert.deepEqual(
      clock.getDelayedCalls().map((c) => c.getTime()),
      [2.5],
    );
  });

  it("does not run a call that a due call cancels", () => {
    const clock = new Clock();
    const log: string[] = [];
    const victim = clock.callLater(2, () => void log.push("victim"));
    clock.callLater(1, () => {
      log.push("killer");
      victim.cancel();
    });
    clock.advance(3);
    assert.deepEqual(log, ["killer"]);
  });

  it("pump advances by each amount in turn", () => {
    const clock = new Clock();
    const times: number[] = [];
    clock.callLater(1, () => void times.push(clock.seconds()));
    clock.callLater(2, () => void times.push(clock.seconds()));
    clock.pump([0.5, 0.5, 0.5, 0.5]);
    assert.deepEqual(times, [1, 2]);
    assert.equal(clock.seconds(), 2);
  });

  it("getDelayedCalls lists only pending calls and returns a copy", () => {
    const clock = new Clock();
    const a = clock.callLater(1, () => undefined);
    const b = clock.callLater(2, () => undefined);
    a.cancel();
    const list = clock.getDelayedCalls();
    assert.deepEqual(list, [b]);
    list.length = 0;
    assert.equal(clock.getDelayedCalls().length, 1);
  });

  it("throws RangeError for a negative or NaN delay, like the real reactor", () => {
    const clock = new Clock();
    assert.throws(() => clock.callLater(-0.001, () => undefined), RangeError);
    assert.throws(() => clock.callLater(Number.NaN, () => undefined), RangeError);
    assert.deepEqual(clock.getDelayedCalls(), []);
  });

  it("throws RangeError for a negative advance and keeps its time", () => {
    const clock = new Clock();
    clock.advance(2);
    assert.throws(() => clock.advance(-1), RangeError);
    assert.equal(clock.seconds(), 2);
  });

  it("lets an exception from a call propagate to advance, keeping later calls pending", () => {
    const clock = new Clock();
    const log: string[] = [];
    const bad = clock.callLater(1, () => {
      throw new Error("boom");
    });
    clock.callLater(1, () => void log.push("next"));
    assert.throws(() => clock.advance(1), /boom/);
    assert.equal(bad.active(), false);
    assert.deepEqual(log, []);
    clock.advance(0);
    assert.deepEqual(log, ["next"]);
  });

  it("passes arguments to the scheduled function", () => {
    const clock = new Clock();
    const seen: unknown[] = [];
    clock.callLater(0, (a: number, b: string) => void seen.push(a, b), 1, "two");
    clock.advance(0);
    assert.deepEqual(seen, [1, "two"]);
  });
});
