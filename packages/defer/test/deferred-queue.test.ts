import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, DeferredQueue, Failure, QueueOverflow, QueueUnderflow } from "@torsion/defer";
import { trackReports } from "./helpers.js";

describe("DeferredQueue", () => {
  trackReports();

  it("gives a queued object to get() at once", () => {
    const queue = new DeferredQueue<string>();
    queue.put("a");
    assert.equal(queue.pending, 1);
    assert.deepEqual(queue.get().peek(), { state: "succeeded", result: "a" });
    assert.equal(queue.pending, 0);
  });

  it("fires a waiting get() when an object is put, inside put()", () => {
    const queue = new DeferredQueue<number>();
    const d = queue.get();
    assert.equal(d.called, false);
    assert.equal(queue.waiting, 1);
    queue.put(7);
    assert.deepEqual(d.peek(), { state: "succeeded", result: 7 });
    assert.equal(queue.waiting, 0);
    assert.equal(queue.pending, 0);
  });

  it("is first in, first out for both objects and waiters", () => {
    const queue = new DeferredQueue<number>();
    queue.put(1);
    queue.put(2);
    const got = [queue.get(), queue.get()].map((d) => d.peek());
    assert.deepEqual(got, [
      { state: "succeeded", result: 1 },
      { state: "succeeded", result: 2 },
    ]);
    const w1 = queue.get();
    const w2 = queue.get();
    queue.put(3);
    queue.put(4);
    assert.deepEqual(
      [w1.peek(), w2.peek()],
      [
        { state: "succeeded", result: 3 },
        { state: "succeeded", result: 4 },
      ],
    );
  });

  it("throws QueueOverflow when size objects are already queued", () => {
    const queue = new DeferredQueue<number>(2);
    queue.put(1);
    queue.put(2);
    assert.throws(
      () => queue.put(3),
      (e: unknown) => e instanceof QueueOverflow && e.code === "ERR_QUEUE_OVERFLOW",
    );
    assert.equal(queue.pending, 2);
    assert.equal(queue.size, 2);
  });

  it("accepts a put beyond size when a get is waiting for it", () => {
    const queue = new DeferredQueue<number>(0);
    const d = queue.get();
    queue.put(1);
    assert.deepEqual(d.peek(), { state: "succeeded", result: 1 });
    assert.throws(() => queue.put(2), QueueOverflow);
  });

  it("throws QueueUnderflow when backlog gets are already waiting", () => {
    const queue = new DeferredQueue<number>(undefined, 1);
    queue.get();
    assert.throws(
      () => queue.get(),
      (e: unknown) => e instanceof QueueUnderflow && e.code === "ERR_QUEUE_UNDERFLOW",
    );
    assert.equal(queue.backlog, 1);
    assert.equal(queue.waiting, 1);
  });

  it("removes a cancelled get from the waiters, so no object is lost to it", () => {
    const queue = new DeferredQueue<string>();
    const cancelled = queue.get();
    const next = queue.get();
    cancelled.cancel();
    assert.ok((cancelled.peek() as { failure: Failure }).failure.value instanceof CancelledError);
    cancelled.addErrback(() => null);
    assert.equal(queue.waiting, 1);
    queue.put("kept");
    assert.deepEqual(next.peek(), { state: "succeeded", result: "kept" });
  });

  it("throws RangeError for a size or backlog that is not a non-negative integer", () => {
    assert.throws(() => new DeferredQueue(-1), RangeError);
    assert.throws(() => new DeferredQueue(undefined, 1.5), RangeError);
  });
});
