/**
 * `torsion --workers N` as a child process: connections spread over the workers (each
 * client learns its worker's pid), a SIGKILLed worker restarted, SIGHUP rolling the workers
 * without a refused connection, SIGTERM stopping everything with status 0; a taken port and
 * a Unix socket as start-up failures.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
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
    const steps: string[] = [];
    const probes: Promise<void>[] = [];
    const servedDuring = new Set<number>();
    // At every step of the roll the runner announces (start, a new worker ready, an old one
    // retired, done), 8 clients connect at once: the moments a refusal would show.
    const probe = (step: string): void => {
      steps.push(step);
      probes.push(
        pidsOf(port, 8).then(
          (pids) => {
            for (const pid of pids) servedDuring.add(pid);
          },
          (error: unknown) => void failures.push(`${step}: ${String(error)}`),
        ),
      );
    };
    const unsubscribe = runner.onLine((line) => {
      const step = /reloading|worker \d+ ready|worker \d+ retired|reload done/.exec(line);
      if (step !== null) probe(step[0].replace(/\d+/, "N"));
    });
    try {
      runner.child.kill("SIGHUP");
      await runner.waitFor(/reload done/, 30_000);
    } finally {
      unsubscribe();
    }
    await Promise.all(probes);
    assert.deepEqual(failures, [], "no connection failed during the reload");
    assert.deepEqual(
      steps,
      ["reloading", "worker N ready", "worker N retired", "worker N ready", "worker N retired", "reload done"],
      "the roll replaced the workers one at a time, probed at each step",
    );
    assert.ok(
      [...servedDuring].some((pid) => before.has(pid)),
      "old workers served while the new ones started",
    );
    const after = await pidsOf(port, 20);
    for (const pid of after) assert.ok(!before.has(pid), `pid ${pid} is a new worker`);
    assert.equal(new Set(after).size, 2);
  });

  it("stops every worker on SIGTERM and exits 0", async () => {
    const pids = await pidsOf(port, 10);
    runner.child.kill("SIGTERM");
    assert.deepEqual(await runner.exited(20_000), { code: 0, signal: null });
    for (const pid of new Set(pids)) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} is gone`);
  });
});

/** No process is left in the runner's process group (the primary and every worker are gone). */
function assertGroupGone(runner: RunnerProcess): void {
  assert.throws(() => process.kill(-runner.child.pid!, 0), /ESRCH/, "no worker outlived the runner");
}

describe("torsion --workers 2 start-up failures", { timeout: 60_000 }, () => {
  it("fails start-up with EX_UNAVAILABLE, naming the description and EADDRINUSE, when the port is taken", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = holder.address() as net.AddressInfo;
      const description = `tcp:${port}:interface=127.0.0.1`;
      const runner = startRunner(["--workers", "2", "echo", "--listen", description]);
      assert.deepEqual(await runner.exited(30_000), { code: 69, signal: null });
      const output = runner.stdout() + runner.stderr();
      assert.match(output, new RegExp(`could not listen on ${description}: .*EADDRINUSE`));
      assert.match(output, /failed before it was ready \(exit code 69\); giving up/);
      assert.doesNotMatch(output, /worker \d+ ready/, "no worker reported ready without its port");
      assertGroupGone(runner);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it("refuses a Unix socket before forking any worker, with EX_USAGE", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "torsion-workers-"));
    try {
      const socket = path.join(dir, "echo.sock");
      const runner = startRunner(["--workers", "2", "echo", "--listen", `unix:${socket}`]);
      assert.deepEqual(await runner.exited(30_000), { code: 64, signal: null });
      assert.match(runner.stderr(), new RegExp(`--workers cannot share a Unix socket \\(unix:${socket.replace(/[.]/g, "\\.")}\\)`));
      assert.doesNotMatch(runner.stdout(), /starting \d+ workers/, "no worker was forked");
      assert.equal(existsSync(socket), false, "nothing was bound");
      assertGroupGone(runner);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
