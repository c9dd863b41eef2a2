/**
 * Redis: Torsion's RedisClient against ioredis and node-redis 4, on one private
 * redis-server, in the same run (method: bench/README.md, Redis paragraph):
 * - `pipelined`: 100,000 commands issued at once (50,000 SET then 50,000 GET, 64-byte
 *   values), commands/s until the last reply. ioredis through its `pipeline()`, node-redis
 *   and Torsion by issuing every command in one tick, each with its own promise/Deferred
 *   (both batch them into few writes). Target: Torsion ≥ 1.0× the faster of the two.
 * - `pipelined-batch`: the same commands through Torsion's `pipeline().exec()` (one Deferred
 *   for all replies, as ioredis's `pipeline()` gives one promise), against the same figures.
 * - `sequential`: GETs, each awaited before the next; round trips/s. Many short rounds
 *   (7 × ROUNDS of REDIS_SEQUENTIAL round trips), the three clients one after the other in
 *   each round, order rotated; medians, plus the median of the per-round ratios in the note.
 *   Target ≥ 0.95×.
 * - `sequential-cpu`: the client process's CPU (user + system) per round trip in the same
 *   rounds, a figure that load on the other core barely moves (info).
 * "raw" in the table is the faster (cheaper) competitor's median; the cpu column is the
 * client process. Knobs: ROUNDS (from the driver), REDIS_PIPELINE (100000),
 * REDIS_SEQUENTIAL (500 per round). Skipped without /usr/bin/redis-server.
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
import { makeResult, median, sideStats, skipped, type Result, type SideStats } from "./lib/result.js";

const REDIS_SERVER = "/usr/bin/redis-server";
type Stack = "torsion" | "ioredis" | "node-redis";
const STACKS: readonly Stack[] = ["torsion", "ioredis", "node-redis"];

interface Bench {
  pipelined(n: number, value: string): Promise<number>;
  /** The client's own batch API when it has one distinct from `pipelined` (Torsion's `pipeline()`). */
  batch?(n: number, value: string): Promise<number>;
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
    batch: async (n, value) => {
      const seconds = await timed(async () => {
        const pipeline = client.pipeline();
        for (let i = 0; i < n / 2; i += 1) pipeline.command("SET", `k${i}`, value);
        for (let i = 0; i < n / 2; i += 1) pipeline.command("GET", `k${i}`);
        await pipeline.exec();
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

type Samples = Record<Stack, number[]>;
const samples = (): Samples => ({ torsion: [], ioredis: [], "node-redis": [] });

/** One competitor's figures (the faster or cheaper of ioredis and node-redis) and the note naming it. */
function competitor(rate: Samples, lowerIsBetter: boolean): { name: Stack; note: string } {
  const io = median(rate.ioredis) ?? 0;
  const nr = median(rate["node-redis"]) ?? 0;
  const name: Stack = (lowerIsBetter ? io <= nr : io >= nr) ? "ioredis" : "node-redis";
  return {
    name,
    note: `raw = ${name} (ioredis median ${io.toFixed(lowerIsBetter ? 2 : 0)}, node-redis ${nr.toFixed(lowerIsBetter ? 2 : 0)})`,
  };
}

export async function runRedisBench(ctx: Pick<BenchContext, "log" | "fail"> & { config: { rounds: number } }): Promise<Result[]> {
  const workloads = ["pipelined", "pipelined-batch", "sequential", "sequential-cpu"];
  if (!existsSync(REDIS_SERVER)) return workloads.map((w) => skipped("redis", w, "cmd/s", null, `${REDIS_SERVER} missing`));
  const pipelineN = Number(process.env.REDIS_PIPELINE ?? "100000");
  const sequentialN = Number(process.env.REDIS_SEQUENTIAL ?? "500");
  const sequentialRounds = 7 * ctx.config.rounds;
  const value = "v".repeat(64);
  const dir = mkdtempSync(path.join(tmpdir(), "torsion-bench-redis-"));
  const server = await startServer(await freePort(), dir).catch((error: unknown) => error as Error);
  if (server instanceof Error) {
    rmSync(dir, { recursive: true, force: true });
    return workloads.map((w) => skipped("redis", w, "cmd/s", null, server.message));
  }
  const port = Number(server.spawnargs[2] ?? "0");
  const reactor = new NodeReactor({ installSignalHandlers: false });
  const pipelined = samples();
  const pipelinedCpu = samples();
  const batch: number[] = [];
  const batchCpu: number[] = [];
  const sequential = samples();
  const sequentialCpu = samples();
  /** Per sequential round: Torsion's rate over the faster competitor's in that same round. */
  const pairedRatios: number[] = [];
  const pairedCpuRatios: number[] = [];
  try {
    const benches: Record<Stack, Bench> = {
      torsion: await torsion(reactor, port),
      ioredis: await ioredis(port),
      "node-redis": await nodeRedis(port),
    };
    const torsionBatch = benches.torsion.batch?.bind(benches.torsion);
    if (torsionBatch === undefined) throw new Error("the Torsion bench has no batch run");
    for (const stack of STACKS) await benches[stack].pipelined(pipelineN / 10, value); // warm-up
    await torsionBatch(pipelineN / 10, value);
    // Pipelined: ROUNDS rounds, four runs each (Torsion twice: per-command, then batch), order rotated.
    const runs = [...STACKS, "batch"] as const;
    for (let round = 0; round < ctx.config.rounds; round += 1) {
      for (let i = 0; i < runs.length; i += 1) {
        const run = runs[(i + round) % runs.length] as (typeof runs)[number];
        if (run === "batch") {
          batch.push(await torsionBatch(pipelineN, value));
          batchCpu.push(lastCpuUs / pipelineN);
        } else {
          pipelined[run].push(await benches[run].pipelined(pipelineN, value));
          pipelinedCpu[run].push(lastCpuUs / pipelineN);
        }
      }
      ctx.log(
        `redis pipelined round ${round + 1}: ${STACKS.map((s) => `${s} ${(pipelined[s].at(-1) ?? 0).toFixed(0)} cmd/s (${(pipelinedCpu[s].at(-1) ?? 0).toFixed(2)} cpu us)`).join(", ")}, torsion batch ${(batch.at(-1) ?? 0).toFixed(0)} cmd/s (${(batchCpu.at(-1) ?? 0).toFixed(2)} cpu us)`,
      );
    }
    // Sequential: many short rounds, the three clients back to back in each, order rotated.
    for (const stack of STACKS) await benches[stack].sequential(Math.max(50, sequentialN / 5)); // warm-up
    for (let round = 0; round < sequentialRounds; round += 1) {
      for (let i = 0; i < STACKS.length; i += 1) {
        const stack = STACKS[(i + round) % STACKS.length] as Stack;
        sequential[stack].push(await benches[stack].sequential(sequentialN));
        sequentialCpu[stack].push(lastCpuUs / sequentialN);
      }
      const rate = (s: Stack): number => sequential[s].at(-1) ?? 0;
      const cpu = (s: Stack): number => sequentialCpu[s].at(-1) ?? 0;
      pairedRatios.push(rate("torsion") / Math.max(rate("ioredis"), rate("node-redis")));
      pairedCpuRatios.push(cpu("torsion") / Math.min(cpu("ioredis"), cpu("node-redis")));
    }
    ctx.log(
      `redis sequential (${sequentialRounds} rounds x ${sequentialN}): ${STACKS.map((s) => `${s} median ${(median(sequential[s]) ?? 0).toFixed(0)} rt/s (${(median(sequentialCpu[s]) ?? 0).toFixed(2)} cpu us/rt)`).join(", ")}; per-round ratio median ${(median(pairedRatios) ?? 0).toFixed(2)}`,
    );
    for (const stack of STACKS) await benches[stack].close();
  } finally {
    for (const call of reactor.getDelayedCalls()) call.cancel();
    server.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
  const side = (rate: readonly number[], cpu: readonly number[]): SideStats => sideStats(rate, 0, { cpuUsPerOp: median(cpu) });
  const results: Result[] = [];
  const fast = competitor(pipelined, false);
  const raw = side(pipelined[fast.name], pipelinedCpu[fast.name]);
  results.push(
    makeResult(
      "redis",
      "pipelined",
      "cmd/s",
      raw,
      side(pipelined.torsion, pipelinedCpu.torsion),
      { op: ">=", value: 1.0 },
      `${fast.note}; a Deferred per command`,
    ),
    makeResult(
      "redis",
      "pipelined-batch",
      "cmd/s",
      raw,
      side(batch, batchCpu),
      { op: ">=", value: 1.0 },
      `${fast.note}; torsion pipeline().exec()`,
    ),
  );
  const seq = competitor(sequential, false);
  results.push(
    makeResult(
      "redis",
      "sequential",
      "rt/s",
      side(sequential[seq.name], sequentialCpu[seq.name]),
      side(sequential.torsion, sequentialCpu.torsion),
      { op: ">=", value: 0.95 },
      `${seq.note}; ${sequentialRounds} rounds x ${sequentialN}; median of per-round ratios ${(median(pairedRatios) ?? 0).toFixed(2)}`,
    ),
  );
  const cheap = competitor(sequentialCpu, true);
  results.push({
    ...makeResult(
      "redis",
      "sequential-cpu",
      "cpu us/rt",
      sideStats(sequentialCpu[cheap.name], 0),
      sideStats(sequentialCpu.torsion, 0),
      null,
      `${cheap.note}; client process CPU per round trip; median of per-round ratios ${(median(pairedCpuRatios) ?? 0).toFixed(2)}`,
    ),
    lowerIsBetter: true,
  });
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
