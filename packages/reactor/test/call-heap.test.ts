/**
 * CallHeap is internal; its ordering is observed through TimerQueue, which keeps every
 * pending call in it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IDelayedCall } from "@torsion/core";
import { TimerQueue } from "@torsion/reactor/internal";
import { FakeDriver } from "./support.js";

/** A small deterministic pseudo-random generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("CallHeap (through TimerQueue)", { timeout: 5000 }, () => {
  for (const seed of [1, 2, 3, 42, 1234]) {
    it(`runs any mix of schedules, cancels and reschedules in time order (seed ${seed})`, () => {
      const next = random(seed);
      const clock = { now: 0 };
      const driver = new FakeDriver();
      const queue = new TimerQueue({ now: () => clock.now, report: (error) => assert.fail(String(error)), driver });
      const ran: { id: number; at: number; due: number }[] = [];
      const calls: { id: number; call: IDelayedCall }[] = [];
      for (let id = 0; id < 500; id += 1) {
        const call: IDelayedCall = queue.schedule(next() * 100, () => ran.push({ id, at: clock.now, due: call.getTime() }), []);
        calls.push({ id, call });
      }
      const cancelled = new Set<number>();
      for (const { id, call } of calls) {
        const action = next();
        if (action < 0.2) {
          call.cancel();
          cancelled.add(id);
        } else if (action < 0.4) {
          call.reset(next() * 100);
        } else if (action < 0.6) {
          call.delay(next() * 50);
        }
      }
      const expected = calls
        .filter(({ id }) => !cancelled.has(id))
        .map(({ id, call }) => ({ id, due: call.getTime() }))
        .sort((a, b) => a.due - b.due);
      let steps = 0;
      while (driver.armed && steps < 5000) {
        clock.now += 0.5;
        driver.fire();
        steps += 1;
      }
      assert.equal(queue.size, 0);
      assert.deepEqual(
        ran.map((entry) => entry.id),
        expected.map((entry) => entry.id),
      );
      for (const entry of ran) {
        assert.ok(entry.at >= entry.due, `call ${entry.id} ran at ${entry.at}, before its time ${entry.due}`);
        assert.ok(entry.at < entry.due + 0.5 + 1e-9, `call ${entry.id} ran late at ${entry.at} (due ${entry.due})`);
      }
    });
  }

  it("keeps order after cancelling calls from the top, middle and bottom of the heap", () => {
    const clock = { now: 0 };
    const driver = new FakeDriver();
    const queue = new TimerQueue({ now: () => clock.now, report: (error) => assert.fail(String(error)), driver });
    const log: number[] = [];
    const calls = Array.from({ length: 20 }, (_, i) => queue.schedule(i + 1, () => log.push(i + 1), []));
    for (const index of [0, 9, 19, 4]) calls[index]?.cancel();
    clock.now = 100;
    driver.fire();
    assert.deepEqual(log, [2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });
});
