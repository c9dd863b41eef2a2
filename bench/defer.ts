/**
 * Deferred microbenchmarks, in this process: the cost of using a `Deferred` against the
 * same pattern on a native Promise (the "raw" column), rounds interleaved with the order
 * rotated. Informational (no target): a Deferred runs its callbacks synchronously and does
 * more than a Promise (pausing, cancellation, unhandled-failure checks), and this row is
 * where a change to its per-use cost shows first.
 *
 * - `defer/fire-chain`: create, add one callback, fire (`new Deferred()`, `addCallback`,
 *   `callback`) vs `new Promise`, `then`, `resolve` (the promise's callbacks run in the
 *   microtasks drained at the end of each batch, which the time includes).
 * - `defer/await`: `await` of a Deferred fired on a later microtask vs of a native promise
 *   resolved the same way.
 */
import path from "node:path";
import { Deferred } from "@torsion/defer";
import type { BenchContext } from "./lib/context.js";
import { makeResult, median, sideStats, type Result } from "./lib/result.js";
import type { Side } from "./lib/config.js";

const SMOKE = process.env.BENCH_SMOKE === "1";
const FIRE_OPS = SMOKE ? 2000 : 200_000;
const AWAIT_OPS = SMOKE ? 1000 : 100_000;

const increment = (n: number): number => n + 1;

let sink = 0;

function fireDeferreds(ops: number): void {
  for (let i = 0; i < ops; i++) {
    const d = new Deferred<number>();
    d.addCallback(increment);
    d.callback(i);
    if (d.called) sink++;
  }
}

function firePromises(ops: number): void {
  for (let i = 0; i < ops; i++) {
    let resolve: (value: number) => void = () => undefined;
    const p = new Promise<number>((r) => {
      resolve = r;
    });
    void p.then(increment);
    resolve(i);
    sink++;
  }
}

async function awaitDeferreds(ops: number): Promise<void> {
  for (let i = 0; i < ops; i++) {
    const d = new Deferred<number>();
    queueMicrotask(() => queueMicrotask(() => d.callback(i)));
    sink += await d;
  }
}

async function awaitPromises(ops: number): Promise<void> {
  for (let i = 0; i < ops; i++) {
    let resolve: (value: number) => void = () => undefined;
    const p = new Promise<number>((r) => {
      resolve = r;
    });
    queueMicrotask(() => queueMicrotask(() => resolve(i)));
    sink += await p;
  }
}

/** Ops/s and CPU ns per op of one batch (its microtasks drained before the clock stops). */
async function timed(ops: number, fn: (ops: number) => unknown): Promise<{ rate: number; cpuNs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await fn(ops);
  await new Promise<void>((resolve) => setImmediate(resolve));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: ops / seconds, cpuNs: ((used.user + used.system) * 1000) / ops };
}

interface Workload {
  readonly name: string;
  readonly ops: number;
  readonly raw: (ops: number) => unknown;
  readonly torsion: (ops: number) => unknown;
  readonly note: string;
}

const WORKLOADS: readonly Workload[] = [
  {
    name: "fire-chain",
    ops: FIRE_OPS,
    raw: firePromises,
    torsion: fireDeferreds,
    note: "new Deferred + addCallback + callback vs new Promise + then + resolve",
  },
  {
    name: "await",
    ops: AWAIT_OPS,
    raw: awaitPromises,
    torsion: awaitDeferreds,
    note: "await of a Deferred fired a microtask later vs of a native promise resolved the same way",
  },
];

/** Runs the Deferred microbenchmarks; one result per workload. */
export async function runDeferBench(ctx: Pick<BenchContext, "log"> & { config: { rounds: number } }): Promise<Result[]> {
  const results: Result[] = [];
  for (const w of WORKLOADS) {
    // Warm-up: let both sides reach optimised code before the first measured round.
    await timed(Math.min(w.ops, 20_000), w.raw);
    await timed(Math.min(w.ops, 20_000), w.torsion);
    const rates: Record<Side, number[]> = { raw: [], torsion: [] };
    const cpu: Record<Side, number[]> = { raw: [], torsion: [] };
    for (let round = 0; round < ctx.config.rounds; round++) {
      const order: readonly Side[] = round % 2 === 0 ? ["raw", "torsion"] : ["torsion", "raw"];
      for (const side of order) {
        const { rate, cpuNs } = await timed(w.ops, side === "raw" ? w.raw : w.torsion);
        rates[side].push(rate);
        cpu[side].push(cpuNs);
        ctx.log(`defer ${w.name} ${side} round ${round + 1}: ${rate.toFixed(0)} ops/s, ${cpuNs.toFixed(0)} cpu ns/op`);
      }
    }
    const us = (side: Side): number => (median(cpu[side]) ?? 0) / 1000;
    results.push(
      makeResult(
        "defer",
        w.name,
        "ops/s",
        sideStats(rates.raw, 0, { cpuUsPerOp: us("raw") }),
        sideStats(rates.torsion, 0, { cpuUsPerOp: us("torsion") }),
        null,
        w.note,
      ),
    );
  }
  if (sink < 0) ctx.log("unreachable");
  return results;
}

if (process.argv[1] !== undefined && path.basename(process.argv[1]) === "defer.js" && import.meta.url.endsWith("/defer.js")) {
  // Standalone: `node bench/dist/defer.js` (ROUNDS, default 5) prints the results as JSON.
  const log = (m: string): void => {
    process.stderr.write(`${m}\n`);
  };
  const results = await runDeferBench({ log, config: { rounds: Number(process.env.ROUNDS ?? "5") } });
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}
