/**
 * `torsion --workers N` as a child process: connections spread over the workers (each
 * client learns its worker's pid), a SIGKILLed worker restarted, SIGHUP rolling the workers
 * without a refused connection, SIGTERM stopping everything with status 0.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type net from "node:net";
import { firstLines, freePort, killAllRunners, startRunner, type RunnerProcess } from "./runner-harness.js";

after(killAllRunners);

const readyPids = (runner: RunnerProcess): number[] => runner.matches(/worker (\d+) ready/g).map((m) => Number(m[1]));

async function pidsOf(port: number, clients: number): Promise<number[]> {
  const connections = await firstLines(port, clients, 15_000);
  for (const { socket } of connections) socket.destroy();
  return connections.map(({ line }) => Number(line));
}

describe("torsion --workers 2", { timeout: 60_000 }, () => {
  let runner: RunnerProcess;
  let port = 0;

  before(async () => {
    port = await freePort();
    runner = startRunner(["--workers", "2", "serve", "--listen", `tcp:${port}:interface=127.0.0.1`, "test/fixtures/runner/pid-server.mjs"]);
    await runner.waitFor(/worker \d+ ready[\s\S]*worker \d+ ready/, 20_000);
  });

  it("serves 200 concurrent clients, spread across both workers", async () => {
    const connections: { line: string; socket: net.Socket }[] = await firstLines(port, 200, 15_000);
    const counts = new Map<number, number>();
    for (const { line } of connections) counts.set(Number(line), (counts.get(Number(line)) ?? 0) + 1);
    for (const { socket } of connections) socket.destroy();
    assert.deepEqual(
      [...counts.keys()].sort(),
      readyPids(runner).sort(),
      "every client was served by one of the two workers, and both served",
    );
    for (const [pid, count] of counts) assert.ok(count >= 20, `worker ${pid} served ${count} of 200`);
  });

  it("restarts a worker killed with SIGKILL, and the new one serves", async () => {
    const [victim] = readyPids(runner);
    process.kill(victim!, "SIGKILL");
    const match = await runner.waitFor(
      new RegExp(`worker ${String(victim)} died \\(SIGKILL\\); restarting[\\s\\S]*worker (\\d+) ready`),
      20_000,
    );
    const fresh = Number(match[1]);
    assert.notEqual(fresh, victim);
    const served = new Set(await pidsOf(port, 20));
    assert.ok(served.has(fresh), `the restarted worker ${fresh} serves (saw ${[...served].join(", ")})`);
    assert.ok(!served.has(victim!));
  });

  it("rolls every worker on SIGHUP without refusing a connection", async () => {
    const before = new Set(readyPids(runner));
    const failures: string[] = [];
    let served = 0;
    const seen = new Set<number>();
    let rolling = true;
    const client = (async () => {
      while (rolling) {
        try {
          for (const pid of await pidsOf(port, 4)) seen.add(pid);
          served += 4;
        } catch (error) {
          failures.push(String(error));
        }
      }
    })();
    runner.child.kill("SIGHUP");
    await runner.waitFor(/reload done/, 30_000);
    rolling = false;
    await client;
    assert.deepEqual(failures, [], "no connection failed during the reload");
    assert.ok(served > 0);
    const after = await pidsOf(port, 20);
    for (const pid of after) assert.ok(!before.has(pid), `pid ${pid} is a new worker`);
    assert.ok(
      [...seen].some((pid) => before.has(pid)),
      "old workers served while the new ones started",
    );
    assert.equal(new Set(after).size, 2);
  });

  it("stops every worker on SIGTERM and exits 0", async () => {
    const pids = await pidsOf(port, 10);
    runner.child.kill("SIGTERM");
    assert.deepEqual(await runner.exited(20_000), { code: 0, signal: null });
    for (const pid of new Set(pids)) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} is gone`);
  });
});
