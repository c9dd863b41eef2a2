/**
 * Redis: Torsion's RedisClient against ioredis and node-redis 4, on one private
 * redis-server, in the same run, rounds interleaved (the client order rotates each round):
 * - `pipelined`: 100,000 commands issued at once (50,000 SET then 50,000 GET, 64-byte
 *   values), commands/s until the last reply. ioredis through its `pipeline()`, node-redis
 *   and Torsion by issuing every command in one tick (both batch them into few writes).
 *   Target: Torsion ≥ 1.0× the faster of the two.
 * - `sequential`: 2,000 GETs, each awaited before the next; round trips/s. Target ≥ 0.95×.
 * "raw" in the table is the faster competitor's median. Knobs: ROUNDS (from the driver),
 * REDIS_PIPELINE (100000), REDIS_SEQUENTIAL (2000). Skipped without /usr/bin/redis-server.
 * Standalone: `node bench/dist/redis.js` prints the results as JSON.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { NodeReactor } from "@torsion/reactor";
import { RedisClient } from "@torsion/redis";
import type { BenchContext } from "./lib/context.js";
import { makeResult, median, sideStats, skipped, type Result } from "./lib/result.js";

const REDIS_SERVER = "/usr/bin/redis-server";
type Stack = "torsion" | "ioredis" | "node-redis";
const STACKS: readonly Stack[] = ["torsion", "ioredis", "node-redis"];

interface Bench {
  pipelined(n: number, value: string): Promise<number>;
  sequential(n: number): Promise<number>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

async function startServer(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (/ready to accept connections/i.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

/** CPU of this process (µs, user + system) used by the last `timed` run: the client's cost, not the server's. */
let lastCpuUs = 0;

/** Seconds taken by `run`. */
async function timed(run: () => Promise<unknown>): Promise<number> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await run();
  const used = process.cpuUsage(cpu);
  lastCpuUs = used.user + used.system;
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function torsion(reactor: NodeReactor, port: number): Promise<Bench> {
  const client = new RedisClient(reactor, `redis://127.0.0.1:${port}`, { protocol: 2 }).start();
  await client.whenConnected();
  return {
    pipelined: async (n, value) => {
      const seconds = await timed(async () => {
        const all: PromiseLike<unknown>[] = [];
        for (let i = 0; i < n / 2; i += 1) all.push(client.set(`k${i}`, value));
        for (let i = 0; i < n / 2; i += 1) all.push(client.get(`k${i}`));
        await Promise.all(all);
      });
      return n / seconds;
    },
    sequential: async (n) =>
      n /
      (await timed(async () => {
        for (let i = 0; i < n; i += 1) await client.get("k1");
      })),
    close: async () => {
      await client.close();
    },
  };
}

async function ioredis(port: number): Promise<Bench> {
  const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true });
  await client.connect();
  return {
    pipelined: async (n, value) => {
      const seconds = await timed(async () => {
        const pipeline = client.pipeline();
        for (let i = 0; i < n / 2; i += 1) pipeline.set(`k${i}`, value);
        for (let i = 0; i < n / 2; i += 1) pipeline.getBuffer(`k${i}`);
        await pipeline.exec();
      });
      return n / seconds;
    },
    sequential: async (n) =>
      n /
      (await timed(async () => {
        for (let i = 0; i < n; i += 1) await client.getBuffer("k1");
      })),
    close: async () => {
      await client.quit();
    },
  };
}

async function nodeRedis(port: number): Promise<Bench> {
  const client = createClient({ socket: { host: "127.0.0.1", port } });
  await client.connect();
  return {
    pipelined: async (n, value) => {
      const seconds = await timed(async () => {
        const all: Promise<unknown>[] = [];
        for (let i = 0; i < n / 2; i += 1) all.push(client.set(`k${i}`, value));
        for (let i = 0; i < n / 2; i += 1) all.push(client.get(`k${i}`));
        await Promise.all(all);
      });
      return n / seconds;
    },
    sequential: async (n) =>
      n /
      (await timed(async () => {
        for (let i = 0; i < n; i += 1) await client.get("k1");
      })),
    close: async () => {
      await client.quit();
    },
  };
}

export async function runRedisBench(ctx: Pick<BenchContext, "log" | "fail"> & { config: { rounds: number } }): Promise<Result[]> {
  if (!existsSync(REDIS_SERVER)) {
    return ["pipelined", "sequential"].map((w) => skipped("redis", w, "cmd/s", null, `${REDIS_SERVER} missing`));
  }
  const pipelineN = Number(process.env.REDIS_PIPELINE ?? "100000");
  const sequentialN = Number(process.env.REDIS_SEQUENTIAL ?? "2000");
  const value = "v".repeat(64);
  const dir = mkdtempSync(path.join(tmpdir(), "torsion-bench-redis-"));
  const server = await startServer(await freePort(), dir).catch((error: unknown) => error as Error);
  if (server instanceof Error) {
    rmSync(dir, { recursive: true, force: true });
    return ["pipelined", "sequential"].map((w) => skipped("redis", w, "cmd/s", null, server.message));
  }
  const port = Number(server.spawnargs[2] ?? "0");
  const reactor = new NodeReactor({ installSignalHandlers: false });
  const pipelined: Record<Stack, number[]> = { torsion: [], ioredis: [], "node-redis": [] };
  const sequential: Record<Stack, number[]> = { torsion: [], ioredis: [], "node-redis": [] };
  const pipelinedCpu: Record<Stack, number[]> = { torsion: [], ioredis: [], "node-redis": [] };
  const sequentialCpu: Record<Stack, number[]> = { torsion: [], ioredis: [], "node-redis": [] };
  try {
    const benches: Record<Stack, Bench> = {
      torsion: await torsion(reactor, port),
      ioredis: await ioredis(port),
      "node-redis": await nodeRedis(port),
    };
    for (const stack of STACKS) await benches[stack].pipelined(pipelineN / 10, value); // warm-up
    for (let round = 0; round < ctx.config.rounds; round += 1) {
      for (let i = 0; i < STACKS.length; i += 1) {
        const stack = STACKS[(i + round) % STACKS.length] as Stack;
        pipelined[stack].push(await benches[stack].pipelined(pipelineN, value));
        pipelinedCpu[stack].push(lastCpuUs / pipelineN);
        sequential[stack].push(await benches[stack].sequential(sequentialN));
        sequentialCpu[stack].push(lastCpuUs / sequentialN);
        ctx.log(
          `redis round ${round + 1} ${stack}: pipelined ${(pipelined[stack].at(-1) ?? 0).toFixed(0)} cmd/s (${(pipelinedCpu[stack].at(-1) ?? 0).toFixed(2)} cpu us/cmd), sequential ${(sequential[stack].at(-1) ?? 0).toFixed(0)} rt/s (${(sequentialCpu[stack].at(-1) ?? 0).toFixed(2)} cpu us/rt)`,
        );
      }
    }
    for (const stack of STACKS) await benches[stack].close();
  } finally {
    for (const call of reactor.getDelayedCalls()) call.cancel();
    server.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
  const results: Result[] = [];
  for (const [workload, samples, cpu, target] of [
    ["pipelined", pipelined, pipelinedCpu, 1.0],
    ["sequential", sequential, sequentialCpu, 0.95],
  ] as const) {
    const io = sideStats(samples.ioredis, 0, { cpuUsPerOp: median(cpu.ioredis) });
    const nr = sideStats(samples["node-redis"], 0, { cpuUsPerOp: median(cpu["node-redis"]) });
    const faster = (io.median ?? 0) >= (nr.median ?? 0) ? (["ioredis", io] as const) : (["node-redis", nr] as const);
    const note = `raw = ${faster[0]} (ioredis median ${(io.median ?? 0).toFixed(0)}, node-redis ${(nr.median ?? 0).toFixed(0)}); cpu = client process`;
    results.push(
      makeResult(
        "redis",
        workload,
        workload === "pipelined" ? "cmd/s" : "rt/s",
        faster[1],
        sideStats(samples.torsion, 0, { cpuUsPerOp: median(cpu.torsion) }),
        { op: ">=", value: target },
        note,
      ),
    );
  }
  return results;
}

if (
  process.argv[1] !== undefined &&
  import.meta.url.endsWith(path.basename(process.argv[1])) &&
  path.basename(process.argv[1]) === "redis.js"
) {
  const log = (m: string): void => {
    process.stderr.write(`${m}\n`);
  };
  const results = await runRedisBench({ log, fail: log, config: { rounds: Number(process.env.ROUNDS ?? "3") } });
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}
