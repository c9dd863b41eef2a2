/**
 * Child processes: spawn-and-reap rate of /bin/true and throughput through `cat`, each
 * via Torsion's `spawnProcess` and via raw `child_process.spawn` in the same run, rounds
 * interleaved (raw, Torsion, raw, ...), each round in alternating slices (ABBA) so that
 * a slow spell of the machine falls on both sides. Runs in this process (no pinning).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { NodeReactor } from "@torsion/reactor";
import { ProcessProtocol, type Failure, type IPushProducer } from "torsion";
import type { BenchContext } from "./lib/context.js";
import { makeResult, median, sideStats, withRatio, type Result, type Target } from "./lib/result.js";

const TARGET: Target = { op: ">=", value: 0.95 };
const SMOKE = process.env.BENCH_SMOKE === "1";
/** Children per spawn run (16 in smoke mode). */
const CHILDREN = SMOKE ? 16 : 200;
const CONCURRENCY = 8;
/** Each round's spawns run as this many slices per side, alternating raw/Torsion. */
const SLICES = SMOKE ? 1 : 4;
/** Bytes through cat per run (4 MiB in smoke mode). */
const CAT_BYTES = (SMOKE ? 4 : 64) * 1024 * 1024;
const CHUNK = randomBytes(64 * 1024);

async function inBatches(total: number, concurrency: number, one: () => Promise<void>): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < total) {
      started += 1;
      await one();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

function rawTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/true", [], { stdio: "pipe" });
    child.on("error", reject);
    child.on("close", () => resolve());
  });
}

class Waiter extends ProcessProtocol {
  constructor(readonly done: (reason: Failure) => void) {
    super();
  }
  override processEnded(reason: Failure): void {
    this.done(reason);
  }
}

function torsionTrue(reactor: NodeReactor): Promise<void> {
  return new Promise((resolve) => {
    reactor.spawnProcess(new Waiter(() => resolve()), "/bin/true", ["true"]);
  });
}

function rawCat(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("cat", [], { stdio: "pipe" });
    let received = 0;
    let left = CAT_BYTES;
    child.stdout.on("data", (data: Buffer) => (received += data.length));
    child.on("error", reject);
    child.on("close", () => resolve(received));
    const pump = (): void => {
      while (left > 0) {
        left -= CHUNK.length;
        if (!child.stdin.write(CHUNK)) {
          child.stdin.once("drain", pump);
          return;
        }
      }
      child.stdin.end();
    };
    pump();
  });
}

class CatPump extends ProcessProtocol implements IPushProducer {
  received = 0;
  #left = CAT_BYTES;
  #paused = false;
  constructor(readonly done: (bytes: number) => void) {
    super();
  }
  override connectionMade(): void {
    this.transport!.registerProducer(this, true);
    this.resumeProducing();
  }
  pauseProducing(): void {
    this.#paused = true;
  }
  resumeProducing(): void {
    this.#paused = false;
    while (!this.#paused && this.#left > 0) {
      this.#left -= CHUNK.length;
      this.transport!.write(CHUNK);
    }
    if (this.#left <= 0 && !this.#paused) {
      this.transport!.unregisterProducer();
      this.transport!.closeStdin();
    }
  }
  stopProducing(): void {
    this.#left = 0;
  }
  override outReceived(data: Buffer): void {
    this.received += data.length;
  }
  override processEnded(): void {
    this.done(this.received);
  }
}

function torsionCat(reactor: NodeReactor): Promise<number> {
  return new Promise((resolve) => {
    reactor.spawnProcess(new CatPump(resolve), "cat", ["cat"]);
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** Runs both process workloads; returns two results. */
export async function runProcessBench(ctx: BenchContext): Promise<Result[]> {
  const reactor = new NodeReactor({ installSignalHandlers: false });
  const rounds = ctx.config.rounds;
  const spawnRate = { raw: [] as number[], torsion: [] as number[] };
  const catRate = { raw: [] as number[], torsion: [] as number[] };
  const spawnCpu = { raw: [] as number[], torsion: [] as number[] };
  const spawnRatios: number[] = [];
  const catCpu = { raw: [] as number[], torsion: [] as number[] };
  const catRatios: number[] = [];
  let catFailures = 0;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (["raw", "torsion"] as const) : (["torsion", "raw"] as const);
    const seconds = { raw: 0, torsion: 0 };
    const cpuUs = { raw: 0, torsion: 0 };
    for (let s = 0; s < SLICES; s++) {
      for (const side of s % 2 === 0 ? order : [...order].reverse()) {
        const cpu = process.cpuUsage();
        seconds[side] += await timed(() =>
          inBatches(CHILDREN / SLICES, CONCURRENCY, side === "raw" ? rawTrue : () => torsionTrue(reactor)),
        );
        const used = process.cpuUsage(cpu);
        cpuUs[side] += used.user + used.system;
      }
    }
    for (const side of order) {
      spawnRate[side].push(CHILDREN / seconds[side]);
      spawnCpu[side].push(cpuUs[side] / CHILDREN);
      ctx.log(
        `process spawn ${side} round ${round + 1}: ${(CHILDREN / seconds[side]).toFixed(0)} children/s, ${(cpuUs[side] / CHILDREN).toFixed(0)} cpu us/child`,
      );
    }
    spawnRatios.push(seconds.raw / seconds.torsion);
    const roundCat = { raw: { seconds: 0, bytes: 0, cpuUs: 0 }, torsion: { seconds: 0, bytes: 0, cpuUs: 0 } };
    for (let s = 0; s < SLICES; s++) {
      for (const side of s % 2 === 0 ? order : [...order].reverse()) {
        let bytes = 0;
        const cpu = process.cpuUsage();
        const seconds = await timed(async () => {
          bytes = await (side === "raw" ? rawCat() : torsionCat(reactor));
        });
        const used = process.cpuUsage(cpu);
        if (bytes !== Math.ceil(CAT_BYTES / CHUNK.length) * CHUNK.length) {
          catFailures += 1;
          ctx.fail(`cat ${side}: got ${bytes} bytes`);
          continue;
        }
        roundCat[side].seconds += seconds;
        roundCat[side].bytes += bytes;
        roundCat[side].cpuUs += used.user + used.system;
      }
    }
    for (const side of order) {
      const { seconds, bytes, cpuUs } = roundCat[side];
      if (bytes === 0) continue;
      catRate[side].push(bytes / seconds / 1e6);
      catCpu[side].push(cpuUs / (bytes / 1e6));
      ctx.log(`process cat ${side} round ${round + 1}: ${(bytes / seconds / 1e6).toFixed(0)} MB/s`);
    }
    const { raw, torsion } = roundCat;
    if (raw.bytes > 0 && torsion.bytes > 0) catRatios.push(torsion.bytes / torsion.seconds / (raw.bytes / raw.seconds));
  }
  return [
    withRatio(
      makeResult(
        "process",
        "spawn-true",
        "children/s",
        sideStats(spawnRate.raw, 0, { cpuUsPerOp: median(spawnCpu.raw) }),
        sideStats(spawnRate.torsion, 0, { cpuUsPerOp: median(spawnCpu.torsion) }),
        TARGET,
        `${CHILDREN} x /bin/true per round, ${CONCURRENCY} at a time, stdio piped, in ${SLICES} alternating slices; ratio = median of the per-round ratios; cpu = this process per child`,
      ),
      median(spawnRatios),
    ),
    withRatio(
      makeResult(
        "process",
        `cat-${CAT_BYTES / 1024 / 1024}MiB`,
        "MB/s",
        sideStats(catRate.raw, catFailures, { cpuUsPerOp: median(catCpu.raw) }),
        sideStats(catRate.torsion, catFailures, { cpuUsPerOp: median(catCpu.torsion) }),
        TARGET,
        `${CAT_BYTES / 1024 / 1024} MiB written to cat with flow control and read back, ${SLICES} runs per side per round, alternating; ratio = median of the per-round ratios; cpu = this process per MB`,
      ),
      median(catRatios),
    ),
  ];
}
