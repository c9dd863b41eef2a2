/**
 * Worker threads: the round trip of a trivial task through `deferToThreadPool` against a
 * raw `worker_threads` message round trip, and CPU-bound throughput on 2 workers against
 * 1 (the "raw" column is 1 worker). Rounds interleaved; runs in this process.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ThreadPool, deferToThreadPool } from "@torsion/threads";
import type { BenchContext } from "./lib/context.js";
import { makeResult, median, sideStats, withRatio, type Result, type Target } from "./lib/result.js";
import { echo, hash } from "./lib/thread-tasks.js";

/** Smoke mode (BENCH_SMOKE=1): small counts, only to show the benchmark still runs. */
const SMOKE = process.env.BENCH_SMOKE === "1";
const ROUND_TRIPS = SMOKE ? 200 : 5000;
/**
 * Each round's round trips run as this many slices per side, alternating raw/Torsion, so
 * that a burst of load from elsewhere on the machine hits both sides alike.
 */
const SLICES = 10;
/** Round trips each fresh worker makes before it is timed. */
const WARM_TRIPS = SMOKE ? 20 : 1000;
/** The round-trip workload runs at least this many rounds (each on fresh workers). */
const MIN_TRIP_ROUNDS = 7;
const HASH_TASKS = SMOKE ? 4 : 16;
const HASH_ROUNDS = SMOKE ? 2000 : 40_000;

const RAW_ECHO = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (m) => parentPort.postMessage(m));
`;

async function rawRoundTrips(worker: Worker, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve) => {
      worker.once("message", () => resolve());
      worker.postMessage(i);
    });
  }
}

async function poolRoundTrips(pool: ThreadPool, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await deferToThreadPool(pool, echo, i);
}

async function hashAll(pool: ThreadPool): Promise<void> {
  await Promise.all(Array.from({ length: HASH_TASKS }, () => deferToThreadPool(pool, hash, HASH_ROUNDS)));
}

/** CPU (all threads of this process, µs) of the last `timed` run. */
let lastCpuUs = 0;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  lastCpuUs = used.user + used.system;
  return (performance.now() - start) / 1000;
}

/** Round trips of one side in one round, over a fresh worker: its rate and CPU per call. */
interface Trip {
  rate: number;
  cpuUs: number;
}

/**
 * One round of the round-trip workload: a new raw worker and a new 1-worker pool (so each
 * round draws a new thread placement: on this VM a worker that lands badly stays ~10x
 * slower for its whole life, raw or Torsion alike), warmed up, then timed in alternating
 * slices.
 */
async function roundTripRound(order: readonly ("raw" | "torsion")[]): Promise<Record<"raw" | "torsion", Trip>> {
  const raw = new Worker(RAW_ECHO, { eval: true });
  const pool = new ThreadPool({ min: 1, max: 1 });
  try {
    await Promise.all([rawRoundTrips(raw, WARM_TRIPS), poolRoundTrips(pool, WARM_TRIPS)]);
    const seconds = { raw: 0, torsion: 0 };
    const cpuUs = { raw: 0, torsion: 0 };
    const slice = Math.ceil(ROUND_TRIPS / SLICES);
    for (let s = 0; s < SLICES; s++) {
      for (const side of s % 2 === 0 ? order : [...order].reverse()) {
        seconds[side] += await timed(() => (side === "raw" ? rawRoundTrips(raw, slice) : poolRoundTrips(pool, slice)));
        cpuUs[side] += lastCpuUs;
      }
    }
    const calls = slice * SLICES;
    return {
      raw: { rate: calls / seconds.raw, cpuUs: cpuUs.raw / calls },
      torsion: { rate: calls / seconds.torsion, cpuUs: cpuUs.torsion / calls },
    };
  } finally {
    await Promise.all([raw.terminate(), pool.stop()]);
  }
}

/**
 * The round-trip result measured by this script in a child process pinned to one CPU
 * (`SERVER_CPU`, default 1, with `taskset`), or null when pinning is off (`SERVER_CPU=""`),
 * unavailable, in smoke mode, or already done. Unpinned, this VM's scheduler decides the
 * figure: with the worker on the other CPU every message waits ~70 µs for that CPU to wake
 * (about 13,000 round trips/s, raw or Torsion alike), on the same CPU it is ~130,000/s, and
 * which one a worker gets changes from run to run and with the machine's load.
 */
function pinnedRoundTrip(rounds: number, log: (m: string) => void): Result | null {
  const cpu = process.env.SERVER_CPU ?? "1";
  if (SMOKE || cpu === "" || process.env.THREADS_PINNED === "1") return null;
  const env = { ...process.env, THREADS_ONLY: "round-trip", THREADS_PINNED: "1", ROUNDS: String(rounds) };
  const child = spawnSync("taskset", ["-c", cpu, process.execPath, fileURLToPath(import.meta.url)], {
    env,
    encoding: "utf8",
    timeout: 300_000,
  });
  if (child.status !== 0) {
    log(`threads round-trip: pinned run unavailable (${child.error?.message ?? `exit ${String(child.status)}`}); measuring unpinned`);
    return null;
  }
  for (const line of child.stderr.split("\n")) if (line !== "") log(`${line} (pinned to CPU ${cpu})`);
  const found = (JSON.parse(child.stdout) as Result[]).find((r) => r.workload === "round-trip");
  return found === undefined ? null : { ...found, note: `${found.note ?? ""}; driver pinned to CPU ${cpu} (taskset)` };
}

/** Runs both thread workloads; returns two results. */
export async function runThreadsBench(ctx: Pick<BenchContext, "log"> & { config: { rounds: number } }): Promise<Result[]> {
  const one = new ThreadPool({ min: 1, max: 1 });
  const two = new ThreadPool({ min: 2, max: 2 });
  const trip = { raw: [] as number[], torsion: [] as number[] };
  const tripCpu = { raw: [] as number[], torsion: [] as number[] };
  const tripRatios: number[] = [];
  const cpu = { raw: [] as number[], torsion: [] as number[] };
  const cpuToo = process.env.THREADS_ONLY !== "round-trip";
  const pinned = pinnedRoundTrip(ctx.config.rounds, ctx.log);
  const tripRounds = pinned !== null ? 0 : SMOKE ? 1 : Math.max(ctx.config.rounds, MIN_TRIP_ROUNDS);
  try {
    if (cpuToo) await Promise.all([hashAll(one), hashAll(two)]);
    for (let round = 0; round < tripRounds; round++) {
      const order = round % 2 === 0 ? (["raw", "torsion"] as const) : (["torsion", "raw"] as const);
      const result = await roundTripRound(order);
      for (const side of order) {
        trip[side].push(result[side].rate);
        tripCpu[side].push(result[side].cpuUs);
        ctx.log(
          `threads round-trip ${side} round ${round + 1}: ${result[side].rate.toFixed(0)}/s, ${result[side].cpuUs.toFixed(1)} cpu us/op`,
        );
      }
      tripRatios.push(result.torsion.rate / result.raw.rate);
    }
    for (let round = 0; round < (cpuToo ? ctx.config.rounds : 0); round++) {
      const order = round % 2 === 0 ? (["raw", "torsion"] as const) : (["torsion", "raw"] as const);
      for (const side of order) {
        const seconds = await timed(() => hashAll(side === "raw" ? one : two));
        cpu[side].push(HASH_TASKS / seconds);
        ctx.log(
          `threads cpu ${side === "raw" ? "1 worker" : "2 workers"} round ${round + 1}: ${(HASH_TASKS / seconds).toFixed(1)} tasks/s`,
        );
      }
    }
  } finally {
    await Promise.all([one.stop(), two.stop()]);
  }
  const tripTarget: Target = { op: ">=", value: 0.9 };
  const tripResult = makeResult(
    "threads",
    "round-trip",
    "calls/s",
    sideStats(trip.raw, 0, { cpuUsPerOp: median(tripCpu.raw) }),
    sideStats(trip.torsion, 0, { cpuUsPerOp: median(tripCpu.torsion) }),
    tripTarget,
    `deferToThreadPool(echo) vs raw postMessage echo, one at a time, in alternating slices, fresh workers in each of ${tripRounds} rounds; ratio = median of the per-round ratios (the medians of the rates swing with thread placement); cpu = this process, all threads`,
  );
  return [
    pinned ?? withRatio(tripResult, median(tripRatios)),
    makeResult(
      "threads",
      "cpu-2-vs-1",
      "tasks/s",
      sideStats(cpu.raw, 0),
      sideStats(cpu.torsion, 0),
      null,
      `raw column = 1 worker, torsion column = 2 workers; ${HASH_TASKS} x ${HASH_ROUNDS} SHA-256 rounds`,
    ),
  ];
}

if (process.argv[1] !== undefined && path.basename(process.argv[1]) === "threads.js" && import.meta.url.endsWith("/threads.js")) {
  // Standalone: `node bench/dist/threads.js` (ROUNDS, THREADS_ONLY=round-trip) prints the results as JSON.
  const log = (m: string): void => {
    process.stderr.write(`${m}\n`);
  };
  const results = await runThreadsBench({ log, config: { rounds: Number(process.env.ROUNDS ?? "3") } });
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}
