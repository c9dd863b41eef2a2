import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CancelledError } from "@torsion/defer";
import { PoolStopped, RemoteError, ThreadPool, WorkerCrashed } from "@torsion/threads";
import { fakeWorkerFactory } from "./fake-worker.js";
import { failureOf } from "./helpers.js";

const TASK = { module: "file:///tasks.js", export: "work" };

describe("ThreadPool scheduling (fake workers)", () => {
  it("starts no worker before the first task, then starts workers on demand up to max", () => {
    const { factory, workers } = fakeWorkerFactory();
    const pool = new ThreadPool({ max: 2, workerFactory: factory });
    assert.equal(workers.length, 0);
    pool.run(TASK, [1]);
    pool.run(TASK, [2]);
    pool.run(TASK, [3]);
    assert.equal(workers.length, 2);
    assert.deepEqual(pool.stats(), {
      min: 0,
      max: 2,
      workers: 2,
      working: 2,
      idle: 0,
      queued: 1,
      completed: 0,
      crashed: 0,
      stopped: false,
    });
    assert.deepEqual(
      workers.map((w) => w.current.args),
      [[1], [2]],
    );
    assert.equal(workers[0]!.current.module, "file:///tasks.js");
  });

  it("hands queued tasks to the first free worker in FIFO order, and refs only busy workers", async () => {
    const { factory, workers } = fakeWorkerFactory();
    const pool = new ThreadPool({ max: 1, workerFactory: factory, idleTimeout: 60 });
    const results = [1, 2, 3].map((n) => pool.run(TASK, [n]));
    const worker = workers[0]!;
    assert.equal(worker.refs, 1);
    worker.reply("one");
    assert.deepEqual(worker.current.args, [2]);
    worker.reply("two");
    worker.reply("three");
    assert.deepEqual(await Promise.all(results), ["one", "two", "three"]);
    assert.equal(worker.refs, 0, "an idle worker is unref'd");
    assert.equal(pool.stats().completed, 3);
    await pool.stop();
  });

  it("sends other factories' workers a full RunMessage every time, and takes bare or id-0 results for the running task", async () => {
    const { factory, workers } = fakeWorkerFactory();
    const pool = new ThreadPool({ max: 1, workerFactory: factory });
    const first = pool.run(TASK, [1]);
    const worker = workers[0]!;
    worker.send("bare");
    const second = pool.run(TASK, [2]);
    assert.deepEqual([worker.received.length, worker.current.id, worker.current.args], [2, 2, [2]]);
    worker.reply("stale", 1);
    assert.equal(second.called, false, "a result with another task's id is ignored");
    worker.reply("by id 0", 0);
    assert.deepEqual(await Promise.all([first, second]), ["bare", "by id 0"]);
    await pool.stop();
  });

  it("errbacks with the rebuilt error of a failed task and keeps the worker", async () => {
    const { factory, workers } = fakeWorkerFactory();
    const pool = new ThreadPool({ max: 1, workerFactory: factory });
    const result = pool.run(TASK, []);
    workers[0]!.fail({ name: "QuotaError", message: "over quota", code: "E_QUOTA" });
    const error = await failureOf(result);
    assert.ok(error instanceof RemoteError);
    assert.deepEqual([error.name, error.message, (error as unknown as { code: string }).code], ["QuotaError", "over quota", "E_QUOTA"]);
    assert.equal(pool.stats().workers, 1);
    await pool.stop();
  });

  it("fails only the running task of a crashed worker and replaces it for the next task", async () => {
    const { factory, workers } = fakeWorkerFactory();
    const pool = new ThreadPool({ max: 1, workerFactory: factory });
    const first = pool.run(TASK, [1]);
    const second = pool.run(TASK, [2]);
    workers[0]!.crash(new Error("segfault-ish"));
    const error = await failureOf(first);
    assert.ok(error instanceof WorkerCrashed);
    assert.match(error.message, /segfault-ish/);
    assert.equal(workers.length, 2);
    assert.deepEqual(workers[1]!.current.args, [2]);
    workers[1]!.reply("fine");
    assert.equal(await second, "fine");
    assert.equal(pool.stats().crashed, 1);
    await pool.stop();
  });

  it("keeps min workers and retires the others after idleTimeout", async () => {
    const { factory, workers } = fakeWorkerFactory();
    const pool = new ThreadPool({ min: 1, max: 3, idleTimeout: 0, workerFactory: factory });
    const runs = [1, 2, 3].map((n) => pool.run(TASK, [n]));
    for (const worker of workers) worker.reply("ok");
    await Promise.all(runs);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(workers.filter((w) => !w.terminated).length, 1);
    assert.equal(pool.stats().workers, 1);
    await pool.stop();
  });

  it("adjustPoolsize raises max so queued tasks start, and lowers it by retiring idle workers", async () => {
    const { factory, workers } = fakeWorkerFactory();
    const pool = new ThreadPool({ max: 1, workerFactory: factory, idleTimeout: 60 });
    pool.run(TASK, [1]);
    pool.run(TASK, [2]);
    assert.equal(workers.length, 1);
    pool.adjustPoolsize(0, 2);
    assert.equal(workers.length, 2);
    workers[1]!.reply("done");
    pool.adjustPoolsize(0, 1);
    assert.equal(workers[1]!.terminated, true);
    assert.throws(() => pool.adjustPoolsize(3, 2), RangeError);
    workers[0]!.reply("done");
    await pool.stop();
  });

  it("removes a cancelled queued task; a cancelled running one is abandoned, or terminated when asked", async () => {
    const { factory, workers } = fakeWorkerFactory();
    const pool = new ThreadPool({ max: 1, workerFactory: factory });
    const running = pool.run(TASK, [1]);
    const queued = pool.run(TASK, [2]);
    queued.cancel();
    assert.ok((await failureOf(queued)) instanceof CancelledError);
    assert.equal(pool.stats().queued, 0);
    running.cancel();
    assert.ok((await failureOf(running)) instanceof CancelledError);
    assert.equal(workers[0]!.terminated, false);
    workers[0]!.reply("late result, discarded");
    const terminated = pool.run(TASK, [3], { cancel: "terminate" });
    assert.deepEqual(workers[0]!.current.args, [3]);
    terminated.cancel();
    assert.ok((await failureOf(terminated)) instanceof CancelledError);
    assert.equal(workers[0]!.terminated, true);
    await pool.stop();
  });

  it("stop() fails queued tasks, waits for running ones within the grace, then terminates them", async () => {
    const { factory, workers } = fakeWorkerFactory();
    const pool = new ThreadPool({ max: 1, workerFactory: factory });
    const running = pool.run(TASK, [1]);
    const queued = pool.run(TASK, [2]);
    const stopped = pool.stop(0.02);
    assert.ok((await failureOf(queued)) instanceof PoolStopped);
    await stopped;
    assert.ok((await failureOf(running)) instanceof PoolStopped);
    assert.equal(workers[0]!.terminated, true);
    assert.ok((await failureOf(pool.run(TASK, []))) instanceof PoolStopped);
    assert.equal(pool.stop(), stopped, "stop() is idempotent");
  });

  it("reports a worker factory that throws as WorkerCrashed for the task", async () => {
    const pool = new ThreadPool({
      workerFactory: () => {
        throw new Error("no threads left");
      },
    });
    const error = await failureOf(pool.run(TASK, []));
    assert.ok(error instanceof WorkerCrashed);
    assert.match((error.cause as Error).message, /no threads left/);
    await pool.stop();
  });

  it("rejects malformed sizes", () => {
    assert.throws(() => new ThreadPool({ max: 0 }), RangeError);
    assert.throws(() => new ThreadPool({ min: 2, max: 1 }), RangeError);
    assert.throws(() => new ThreadPool({ idleTimeout: -1 }), RangeError);
  });
});
