import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ReactorNotRunning } from "@torsion/core";
import { NodeReactor } from "@torsion/reactor";
import { PoolStopped, deferToThread, registerMainThreadFunction } from "@torsion/threads";
import * as tasks from "./tasks/basic.js";
import { failureOf, sleep } from "./helpers.js";

describe("the reactor's thread pool", () => {
  it("is created on first use, runs deferToThread tasks, and is stopped with the reactor", { timeout: 20_000 }, async () => {
    const reactor = new NodeReactor({ installSignalHandlers: false, shutdownGraceSeconds: 1 });
    const pool = reactor.getThreadPool();
    assert.equal(reactor.getThreadPool(), pool);
    const running = reactor.run();
    assert.equal(await deferToThread(reactor, tasks.add, 40, 2), 42);
    const unregister = registerMainThreadFunction("stuck", () => new Promise(() => undefined));
    const blocked = deferToThread(reactor, tasks.blockingMainTimeout, "stuck", 60);
    const queuedBehind = [1, 2, 3, 4, 5, 6, 7, 8].map(() => deferToThread(reactor, tasks.block, 2000));
    await sleep(100);
    reactor.stop();
    await running;
    unregister();
    assert.equal(await blocked, ReactorNotRunning.name);
    assert.equal(pool.stats().workers, 0);
    assert.equal(pool.stopping, true);
    for (const queued of queuedBehind) assert.ok((await failureOf(queued)) instanceof PoolStopped);
    assert.notEqual(reactor.getThreadPool(), pool, "a stopped pool is replaced on next use");
    await reactor.getThreadPool().stop();
  });
});
