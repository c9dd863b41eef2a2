import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, DeferredLock, Failure, NotAcquiredError } from "@torsion/defer";
import { trackReports } from "./helpers.js";

describe("DeferredLock", () => {
  trackReports();

  it("acquires a free lock at once, firing with the lock itself", () => {
    const lock = new DeferredLock();
    assert.equal(lock.locked, false);
    const d = lock.acquire();
    assert.deepEqual(d.peek(), { state: "succeeded", result: lock });
    assert.equal(lock.locked, true);
  });

  it("makes a second acquire wait until release, then hands the lock over directly", () => {
    const lock = new DeferredLock();
    lock.acquire();
    const second = lock.acquire();
    assert.equal(second.called, false);
    assert.equal(lock.waiting, 1);
    lock.release();
    assert.equal(second.called, true);
    assert.equal(lock.locked, true);
    lock.release();
    assert.equal(lock.locked, false);
  });

  it("serves waiters first come, first served", () => {
    const lock = new DeferredLock();
    const order: number[] = [];
    lock.acquire();
    for (const i of [1, 2, 3]) lock.acquire().addCallback(() => order.push(i));
    lock.release();
    lock.release();
    lock.release();
    assert.deepEqual(order, [1, 2, 3]);
  });

  it("throws NotAcquiredError when releasing a lock that is not locked", () => {
    const lock = new DeferredLock();
    assert.throws(
      () => lock.release(),
      (e: unknown) => e instanceof NotAcquiredError && e.code === "ERR_NOT_ACQUIRED",
    );
  });

  it("removes a cancelled waiting acquire from the queue, failing it with CancelledError", () => {
    const lock = new DeferredLock();
    lock.acquire();
    const cancelled = lock.acquire();
    const next = lock.acquire();
    cancelled.cancel();
    const state = cancelled.peek();
    assert.equal(state.state, "failed");
    assert.ok((state as { failure: Failure }).failure.value instanceof CancelledError);
    cancelled.addErrback(() => null);
    assert.equal(lock.waiting, 1);
    lock.release();
    assert.equal(next.called, true);
    lock.release();
    assert.equal(lock.locked, false);
  });

  it("ignores cancel of an acquire that already succeeded", () => {
    const lock = new DeferredLock();
    const d = lock.acquire();
    d.cancel();
    assert.deepEqual(d.peek(), { state: "succeeded", result: lock });
    assert.equal(lock.locked, true);
  });
});
