import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, Deferred, DeferredSemaphore, Failure, NotAcquiredError } from "@torsion/defer";
import { trackReports } from "./helpers.js";

describe("DeferredSemaphore", () => {
  trackReports();

  it("starts with tokens equal to its limit", () => {
    const semaphore = new DeferredSemaphore(3);
    assert.equal(semaphore.limit, 3);
    assert.equal(semaphore.tokens, 3);
  });

  it("grants up to limit acquires at once, firing with the semaphore", () => {
    const semaphore = new DeferredSemaphore(2);
    const a = semaphore.acquire();
    const b = semaphore.acquire();
    assert.deepEqual(a.peek(), { state: "succeeded", result: semaphore });
    assert.equal(b.called, true);
    assert.equal(semaphore.tokens, 0);
    const c = semaphore.acquire();
    assert.equal(c.called, false);
    assert.equal(semaphore.waiting, 1);
  });

  it("hands a released token straight to the first waiter", () => {
    const semaphore = new DeferredSemaphore(1);
    semaphore.acquire();
    const order: string[] = [];
    semaphore.acquire().addCallback(() => order.push("w1"));
    semaphore.acquire().addCallback(() => order.push("w2"));
    semaphore.release();
    assert.deepEqual(order, ["w1"]);
    assert.equal(semaphore.tokens, 0);
    semaphore.release();
    semaphore.release();
    assert.deepEqual(order, ["w1", "w2"]);
    assert.equal(semaphore.tokens, 1);
  });

  it("throws NotAcquiredError when released more often than acquired", () => {
    const semaphore = new DeferredSemaphore(2);
    semaphore.acquire();
    semaphore.release();
    assert.throws(() => semaphore.release(), NotAcquiredError);
    assert.equal(semaphore.tokens, 2);
  });

  it("throws RangeError for a token count that is not a positive integer", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => new DeferredSemaphore(bad), RangeError);
  });

  it("removes a cancelled waiting acquire, so the token goes to the next waiter", () => {
    const semaphore = new DeferredSemaphore(1);
    semaphore.acquire();
    const cancelled = semaphore.acquire();
    const next = semaphore.acquire();
    cancelled.cancel();
    assert.ok((cancelled.peek() as { failure: Failure }).failure.value instanceof CancelledError);
    cancelled.addErrback(() => null);
    semaphore.release();
    assert.equal(next.called, true);
    assert.equal(semaphore.waiting, 0);
  });

  it("limits how many run() calls are in progress at once", () => {
    const semaphore = new DeferredSemaphore(2);
    const jobs = [0, 1, 2, 3].map(() => new Deferred<null>());
    let running = 0;
    let peak = 0;
    for (const job of jobs) {
      semaphore.run(() => {
        running++;
        peak = Math.max(peak, running);
        return job.addCallback(() => {
          running--;
          return null;
        });
      });
    }
    assert.equal(running, 2);
    for (const job of jobs) job.callback(null);
    assert.equal(peak, 2);
    assert.equal(running, 0);
    assert.equal(semaphore.tokens, 2);
  });
});
