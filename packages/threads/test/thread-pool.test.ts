import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { threadId } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { ReactorNotRunning } from "@torsion/core";
import { CancelledError } from "@torsion/defer";
import {
  PoolStopped,
  RemoteError,
  TaskNotFound,
  ThreadPool,
  WorkerCrashed,
  WrongThreadError,
  blockingCallFromThread,
  deferToThreadPool,
  registerErrorClass,
  registerMainThreadFunction,
  transfer,
} from "@torsion/threads";
import * as tasks from "./tasks/basic.js";
import { BASIC, failureOf, sleep } from "./helpers.js";

describe("ThreadPool with real workers", () => {
  it("runs a defineTask task in a worker thread and fires with its result", async () => {
    const pool = new ThreadPool({ max: 1 });
    try {
      assert.equal(await deferToThreadPool(pool, tasks.add, 2, 3), 5);
      assert.equal(await deferToThreadPool(pool, tasks.asyncDouble, 21), 42);
      const worker = await deferToThreadPool(pool, tasks.whichThread);
      assert.notEqual(worker, threadId);
      assert.deepEqual(await deferToThreadPool(pool, tasks.echo, { a: [1, 2], m: new Map([["k", 1]]) }), {
        a: [1, 2],
        m: new Map([["k", 1]]),
      });
    } finally {
      await pool.stop();
    }
  });

  it("gets every outcome right when a task is repeated with one primitive argument (the compact messages)", async () => {
    const pool = new ThreadPool({ max: 1 });
    try {
      const values = [1, 2, "three", null, undefined, 10n, true, 4.5];
      for (const value of values) assert.equal(await deferToThreadPool(pool, tasks.echo, value), value);
      assert.deepEqual(await deferToThreadPool(pool, tasks.echo, { o: 1 }), { o: 1 });
      assert.equal(await deferToThreadPool(pool, tasks.add, 1, 2), 3);
      assert.equal(await deferToThreadPool(pool, tasks.echo, 5), 5);
      assert.equal(await deferToThreadPool(pool, tasks.negativeFails, 6), 6);
      assert.deepEqual(await deferToThreadPool(pool, tasks.negativeFails, 0), { zero: true });
      const error = await failureOf(deferToThreadPool(pool, tasks.negativeFails, -1));
      assert.equal(error.name, "RangeError");
      assert.equal(error.message, "negative: -1");
      assert.equal(await deferToThreadPool(pool, tasks.negativeFails, 7), 7);
      assert.equal(await deferToThreadPool(pool, tasks.asyncDouble, 4), 8);
      assert.equal(await deferToThreadPool(pool, tasks.asyncDouble, 5), 10);
      assert.equal(pool.stats().completed, values.length + 9);
    } finally {
      await pool.stop();
    }
  });

  it("runs a plain exported function named by {module, export}", async () => {
    const pool = new ThreadPool({ max: 1 });
    try {
      assert.equal(await pool.run({ module: BASIC, export: "square" }, [9]), 81);
      const error = await failureOf(pool.run({ module: BASIC, export: "nothing" }, []));
      assert.ok(error instanceof TaskNotFound);
      assert.match(error.message, /nothing/);
    } finally {
      await pool.stop();
    }
  });

  it("rebuilds a custom error with its class name, message, code, stack, cause and own properties", async () => {
    const pool = new ThreadPool({ max: 1 });
    try {
      const error = await failureOf(deferToThreadPool(pool, tasks.failCustom));
      assert.ok(error instanceof RemoteError);
      assert.equal(error.name, "ValidationError");
      assert.equal(error.remoteName, "ValidationError");
      assert.equal(error.message, "bad email");
      assert.equal((error as unknown as { code: string }).code, "E_INVALID");
      assert.equal((error as unknown as { field: string }).field, "email");
      assert.deepEqual((error as unknown as { details: unknown }).details, { limit: 3 });
      assert.match(error.stack ?? "", /basic\.js/);
      assert.ok(error.cause instanceof RangeError);
      assert.equal(error.cause.message, "too long");
      const typeError = await failureOf(deferToThreadPool(pool, tasks.failType));
      assert.ok(typeError instanceof TypeError);
      const value = await failureOf(deferToThreadPool(pool, tasks.failValue));
      assert.match(value.message, /42/);
    } finally {
      await pool.stop();
    }
  });

  it("rebuilds a registered error class as an instance of that class", async () => {
    class ValidationError extends Error {}
    registerErrorClass(ValidationError, "ValidationError");
    const pool = new ThreadPool({ max: 1 });
    try {
      const error = await failureOf(deferToThreadPool(pool, tasks.failCustom));
      assert.ok(error instanceof ValidationError);
      assert.equal((error as unknown as { field: string }).field, "email");
    } finally {
      registerErrorClass(RemoteError, "ValidationError");
      await pool.stop();
    }
  });

  it("fails only the crashed task with WorkerCrashed and replaces the worker", async () => {
    const pool = new ThreadPool({ max: 1 });
    try {
      const exited = await failureOf(deferToThreadPool(pool, tasks.exitHard, 3));
      assert.ok(exited instanceof WorkerCrashed);
      assert.equal(exited.exitCode, 3);
      const uncaught = await failureOf(deferToThreadPool(pool, tasks.throwUncaught));
      assert.ok(uncaught instanceof WorkerCrashed);
      assert.match(uncaught.message, /uncaught in worker/);
      assert.equal(await deferToThreadPool(pool, tasks.add, 1, 1), 2);
      assert.equal(pool.stats().crashed, 2);
    } finally {
      await pool.stop();
    }
  });

  it("applies resourceLimits: a worker out of memory fails its task with WorkerCrashed", { timeout: 30_000 }, async () => {
    const pool = new ThreadPool({ max: 1, resourceLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 } });
    try {
      const error = await failureOf(deferToThreadPool(pool, tasks.hog));
      assert.ok(error instanceof WorkerCrashed);
      assert.match(String((error.cause as { code?: string } | undefined)?.code), /ERR_WORKER_OUT_OF_MEMORY/);
      assert.equal(await deferToThreadPool(pool, tasks.add, 1, 2), 3);
    } finally {
      await pool.stop();
    }
  });

  it("moves a transferred buffer to the worker and back without copying", async () => {
    const pool = new ThreadPool({ max: 1 });
    try {
      const data = new Uint8Array(1024);
      const back = await deferToThreadPool(pool, tasks.fill, transfer(data, [data.buffer]));
      assert.equal(data.byteLength, 0, "the sender's buffer was not detached");
      assert.equal(back.byteLength, 1024);
      assert.ok(back.every((byte) => byte === 7));
      const error = await failureOf(deferToThreadPool(pool, tasks.unclonable));
      assert.match(error.name, /DataCloneError/);
    } finally {
      await pool.stop();
    }
  });

  it("runs tasks in parallel on at most max workers and queues the rest", async () => {
    const pool = new ThreadPool({ max: 2 });
    try {
      const runs = [0, 1, 2, 3].map(() => deferToThreadPool(pool, tasks.block, 60));
      await sleep(10);
      assert.deepEqual({ working: pool.stats().working, queued: pool.stats().queued }, { working: 2, queued: 2 });
      const threads = await Promise.all(runs);
      assert.equal(new Set(threads).size, 2);
    } finally {
      await pool.stop();
    }
  });

  it("fails queued tasks with PoolStopped at stop(), lets running ones finish, and refuses new ones", async () => {
    const pool = new ThreadPool({ max: 1 });
    const running = deferToThreadPool(pool, tasks.block, 50);
    const queued = deferToThreadPool(pool, tasks.add, 1, 2);
    await sleep(5);
    const stopped = pool.stop(5);
    assert.ok((await failureOf(queued)) instanceof PoolStopped);
    assert.equal(typeof (await running), "number");
    assert.ok((await failureOf(deferToThreadPool(pool, tasks.add, 1, 2))) instanceof PoolStopped);
    await stopped;
    assert.equal(pool.stats().workers, 0);
  });

  it("terminates a task still running after the grace period of stop()", async () => {
    const pool = new ThreadPool({ max: 1 });
    const running = deferToThreadPool(pool, tasks.block, 20_000);
    await sleep(20);
    await pool.stop(0.05);
    assert.ok((await failureOf(running)) instanceof PoolStopped);
  });

  it("terminates the worker of a cancelled running task only when asked", async () => {
    const pool = new ThreadPool({ max: 1 });
    try {
      const abandoned = deferToThreadPool(pool, tasks.block, 100);
      await sleep(20);
      abandoned.cancel();
      assert.ok((await failureOf(abandoned)) instanceof CancelledError);
      assert.equal(pool.stats().working, 1, "an abandoned task keeps its worker busy");
      const terminated = pool.run(tasks.block, [20_000], { cancel: "terminate" });
      await sleep(150);
      terminated.cancel();
      assert.ok((await failureOf(terminated)) instanceof CancelledError);
      assert.equal(await deferToThreadPool(pool, tasks.add, 2, 2), 4);
    } finally {
      await pool.stop();
    }
  });

  it("removes a cancelled queued task without running it", async () => {
    const pool = new ThreadPool({ max: 1 });
    try {
      registerMainThreadFunction("queuedRan", () => assert.fail("the cancelled task ran"));
      const first = deferToThreadPool(pool, tasks.block, 30);
      const second = deferToThreadPool(pool, tasks.callMain, "queuedRan", [1]);
      second.cancel();
      assert.equal(pool.stats().queued, 0);
      await first;
      await sleep(20);
    } finally {
      await pool.stop();
    }
  });

  it("runs callFromThread calls on the main thread in the order the worker made them", async () => {
    const pool = new ThreadPool({ max: 1 });
    const seen: number[] = [];
    const unregister = registerMainThreadFunction("collect", (value: number) => {
      seen.push(value);
    });
    try {
      assert.equal(await deferToThreadPool(pool, tasks.callMain, "collect", [1, 2, 3]), "sent");
      await sleep(10);
      assert.deepEqual(seen, [1, 2, 3]);
    } finally {
      unregister();
      await pool.stop();
    }
  });

  it("answers blockingCallFromThread with the result of the main-thread function, awaiting its promise", async () => {
    const pool = new ThreadPool({ max: 1 });
    const unregister = [
      registerMainThreadFunction("double", (n: number) => n * 2),
      registerMainThreadFunction("later", async (text: string) => {
        await sleep(10);
        return text.toUpperCase();
      }),
      registerMainThreadFunction("refuse", () => {
        throw new RangeError("refused on the main thread");
      }),
    ];
    try {
      assert.equal(await deferToThreadPool(pool, tasks.blockingMain, "double", 21), 42);
      assert.equal(await deferToThreadPool(pool, tasks.blockingMain, "later", "abc"), "ABC");
      const error = await failureOf(deferToThreadPool(pool, tasks.blockingMain, "refuse", null));
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /refused/);
    } finally {
      for (const fn of unregister) fn();
      await pool.stop();
    }
  });

  it("times out a blockingCallFromThread that gets no answer", async () => {
    const pool = new ThreadPool({ max: 1 });
    const unregister = registerMainThreadFunction("never", () => new Promise(() => undefined));
    try {
      assert.equal(await deferToThreadPool(pool, tasks.blockingMainTimeout, "never", 0.05), "BlockingCallTimeout");
    } finally {
      unregister();
      await pool.stop();
    }
  });

  it("fails a pending blockingCallFromThread fast with ReactorNotRunning when the pool stops", async () => {
    const pool = new ThreadPool({ max: 1 });
    const unregister = registerMainThreadFunction("hang", () => new Promise(() => undefined));
    try {
      const result = deferToThreadPool(pool, tasks.blockingMainTimeout, "hang", 30);
      await sleep(100);
      const started = Date.now();
      const stopped = pool.stop(10);
      assert.equal(await result, ReactorNotRunning.name);
      await stopped;
      assert.ok(Date.now() - started < 5000, "stop() waited for the blocked worker");
    } finally {
      unregister();
    }
  });

  it("throws WrongThreadError for blockingCallFromThread on the main thread", () => {
    assert.throws(() => blockingCallFromThread("double", 1), WrongThreadError);
  });

  it("never keeps the process alive with idle workers", { timeout: 30_000 }, () => {
    const script = `
      import { ThreadPool, deferToThreadPool } from "@torsion/threads";
      import * as tasks from ${JSON.stringify(BASIC.href)};
      const pool = new ThreadPool({ min: 1, max: 2, idleTimeout: 3600 });
      console.log(await deferToThreadPool(pool, tasks.add, 20, 22));
    `;
    const cwd = fileURLToPath(new URL("../../..", import.meta.url));
    const started = Date.now();
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd, encoding: "utf8", timeout: 20_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), "42");
    assert.ok(Date.now() - started < 15_000);
  });
});
