import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, ConcurrencyPrimitive, Deferred, DeferredLock, DeferredSemaphore, Failure, fail } from "@torsion/defer";
import { trackReports } from "./helpers.js";

describe("ConcurrencyPrimitive.run", () => {
  trackReports();

  it("is shared by DeferredLock and DeferredSemaphore", () => {
    assert.ok(new DeferredLock() instanceof ConcurrencyPrimitive);
    assert.ok(new DeferredSemaphore(1) instanceof ConcurrencyPrimitive);
  });

  it("calls the function with its arguments once acquired and releases after a plain value", () => {
    const lock = new DeferredLock();
    let lockedDuring: boolean | undefined;
    const d = lock.run(
      (a: number, b: number) => {
        lockedDuring = lock.locked;
        return a * b;
      },
      6,
      7,
    );
    assert.equal(lockedDuring, true);
    assert.equal(lock.locked, false);
    assert.deepEqual(d.peek(), { state: "succeeded", result: 42 });
  });

  it("releases and fails with the error when the function throws", () => {
    const lock = new DeferredLock();
    const d = lock.run(() => {
      throw new Error("inside run");
    });
    assert.equal(lock.locked, false);
    const state = d.peek();
    assert.equal(state.state, "failed");
    assert.equal((state as { failure: Failure }).failure.getErrorMessage(), "inside run");
    d.addErrback(() => null);
  });

  it("holds the acquisition until a returned Deferred fires", () => {
    const lock = new DeferredLock();
    const work = new Deferred<string>();
    const d = lock.run(() => work);
    assert.equal(lock.locked, true);
    assert.equal(d.called, true);
    assert.deepEqual(d.peek(), { state: "pending" });
    work.callback("finished");
    assert.equal(lock.locked, false);
    assert.deepEqual(d.peek(), { state: "succeeded", result: "finished" });
  });

  it("releases after a returned failed Deferred and passes the failure on", () => {
    const semaphore = new DeferredSemaphore(1);
    const d = semaphore.run(() => fail<number>(new Error("failed work")));
    assert.equal(semaphore.tokens, 1);
    assert.equal(d.peek().state, "failed");
    d.addErrback(() => null);
  });

  it("holds the acquisition until a returned promise settles", async () => {
    const semaphore = new DeferredSemaphore(1);
    const d = semaphore.run(async () => "async work");
    assert.equal(semaphore.tokens, 0);
    assert.equal(await d, "async work");
    assert.equal(semaphore.tokens, 1);
  });

  it("runs queued functions one after another, in order, when the first releases", () => {
    const lock = new DeferredLock();
    const order: string[] = [];
    const first = new Deferred<null>();
    lock.run(() => (order.push("first"), first));
    lock.run(() => order.push("second"));
    assert.deepEqual(order, ["first"]);
    assert.equal(lock.waiting, 1);
    first.callback(null);
    assert.deepEqual(order, ["first", "second"]);
    assert.equal(lock.waiting, 0);
    assert.equal(lock.locked, false);
  });

  it("never calls the function when a run() still waiting to acquire is cancelled", () => {
    const lock = new DeferredLock();
    lock.acquire();
    let called = false;
    const d = lock.run(() => {
      called = true;
    });
    d.cancel();
    assert.ok((d.peek() as { failure: Failure }).failure.value instanceof CancelledError);
    d.addErrback(() => null);
    assert.equal(lock.waiting, 0);
    lock.release();
    assert.equal(called, false);
    assert.equal(lock.locked, false);
  });

  it("cancels the function's Deferred when a run() in progress is cancelled, and releases", () => {
    const lock = new DeferredLock();
    let workCancelled = false;
    const d = lock.run(
      () =>
        new Deferred<string>(() => {
          workCancelled = true;
        }),
    );
    d.cancel();
    assert.equal(workCancelled, true);
    assert.equal(lock.locked, false);
    assert.ok((d.peek() as { failure: Failure }).failure.value instanceof CancelledError);
    d.addErrback(() => null);
  });
});
