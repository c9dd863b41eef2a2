/**
 * Every benchmark `npm run bench` runs, in order, as a list of named entries: run-all runs
 * the selected ones, and test/bench-smoke.test.ts runs each in smoke mode so none can rot.
 */
import { runEchoBench } from "./echo.js";
import { runIdleRssBench } from "./idle-rss.js";
import { runUdpBench } from "./udp.js";
import { buildLoadgen, buildUdpgen } from "./lib/c-tools.js";
import type { Side, WorkloadName } from "./lib/config.js";
import type { BenchContext } from "./lib/context.js";
import { runFramingIfPresent } from "./lib/framing-loader.js";
import { exists } from "./lib/paths.js";
import type { Result } from "./lib/result.js";

/** What one benchmark returns: its rows, and its raw rounds for the results files. */
export interface BenchOutput {
  readonly results: Result[];
  readonly samples?: unknown[];
}

/** One benchmark of the suite. */
export interface BenchEntry {
  /** Name (the key of its samples in the results files). */
  readonly name: string;
  /** The WORKLOADS names that select it. */
  readonly workloads: readonly WorkloadName[];
  /** The real peer it needs (a binary), if any. */
  readonly peer?: string;
  run(ctx: BenchContext): Promise<BenchOutput>;
}

/** Which sides can run: Torsion only once its server script has been built. */
export function availableSides(ctx: BenchContext, torsionCmd: readonly string[], what: string): { sides: Set<Side>; note: string } {
  const missing = torsionCmd.filter((a) => a.endsWith(".js") && !exists(a));
  if (missing.length === 0) return { sides: new Set<Side>(["raw", "torsion"]), note: "" };
  const note = `Torsion ${what} not built (${missing.join(", ")}); raw baseline only`;
  ctx.fail(`SKIP Torsion ${what}: ${note}`);
  return { sides: new Set<Side>(["raw"]), note };
}

function withNote(rs: Result[], note: string): Result[] {
  return note === "" ? rs : rs.map((r) => ({ ...r, note: r.note === undefined ? note : `${r.note}; ${note}` }));
}

/**
 * Calls a benchmark owned elsewhere that skips itself whenever WORKLOADS is set: here the
 * driver has already decided it is selected, so WORKLOADS is hidden during the (synchronous)
 * start of the call, where those benchmarks read it.
 */
async function selectedAnyway(run: () => Promise<Result[]>): Promise<BenchOutput> {
  const saved = process.env.WORKLOADS;
  delete process.env.WORKLOADS;
  let pending: Promise<Result[]>;
  try {
    pending = run();
  } finally {
    if (saved !== undefined) process.env.WORKLOADS = saved;
  }
  return { results: await pending };
}

/** The suite, in run order. */
export const BENCHES: readonly BenchEntry[] = [
  {
    name: "echo",
    workloads: ["pp1x64", "pp50x64", "pp50x1k", "stream10x64k", "churn10", "churn10-unix", "pp50x64-unix", "stream10x64k-unix"],
    async run(ctx) {
      const { sides, note } = availableSides(ctx, ctx.config.torsionEchoCmd, "echo server");
      const loadgen = await buildLoadgen();
      const out = await runEchoBench(ctx, loadgen.ok ? loadgen.path : null, loadgen.ok ? "" : loadgen.reason, sides);
      return { results: withNote(out.results, note), samples: out.samples };
    },
  },
  {
    name: "idle",
    workloads: ["idle1000"],
    async run(ctx) {
      const { sides, note } = availableSides(ctx, ctx.config.torsionEchoCmd, "echo server");
      const out = await runIdleRssBench(ctx, sides, note);
      return { results: withNote(out.results, note), samples: out.samples };
    },
  },
  {
    name: "udp",
    workloads: ["udp64", "udp1k"],
    async run(ctx) {
      const { sides, note } = availableSides(ctx, ctx.config.torsionUdpCmd, "UDP echo server");
      const udpgen = await buildUdpgen();
      const out = await runUdpBench(ctx, udpgen.ok ? udpgen.path : null, udpgen.ok ? "" : udpgen.reason, sides);
      return { results: withNote(out.results, note), samples: out.samples };
    },
  },
  {
    name: "c10k",
    workloads: ["c10k"],
    async run(ctx) {
      const { sides, note } = availableSides(ctx, ctx.config.torsionEchoCmd, "echo server");
      const out = await (await import("./c10k.js")).runC10kBench(ctx, sides);
      return { results: withNote(out.results, note), samples: out.samples };
    },
  },
  {
    name: "cli",
    workloads: ["cli-workers", "portforward"],
    async run(ctx) {
      const loadgen = await buildLoadgen();
      const { runCliBench } = await import("./cli.js");
      return { results: await runCliBench(ctx, loadgen.ok ? loadgen.path : null, loadgen.ok ? "" : loadgen.reason) };
    },
  },
  { name: "framing", workloads: ["framing"], run: async (ctx) => ({ results: await runFramingIfPresent((m) => ctx.log(m)) }) },
  { name: "amp", workloads: ["amp"], run: async (ctx) => ({ results: await (await import("./amp.js")).runAmpBench(ctx) }) },
  { name: "process", workloads: ["process"], run: async (ctx) => ({ results: await (await import("./process.js")).runProcessBench(ctx) }) },
  { name: "threads", workloads: ["threads"], run: async (ctx) => ({ results: await (await import("./threads.js")).runThreadsBench(ctx) }) },
  { name: "defer", workloads: ["defer"], run: async (ctx) => ({ results: await (await import("./defer.js")).runDeferBench(ctx) }) },
  {
    name: "tls",
    workloads: ["tls"],
    run: async (ctx) => {
      const { runTLSBench } = await import("./tls.js");
      return selectedAnyway(() => runTLSBench(ctx));
    },
  },
  {
    name: "memcache",
    workloads: ["memcache"],
    peer: "memcached",
    run: async (ctx) => {
      const { runMemcacheBench } = await import("./memcache.js");
      return selectedAnyway(() => runMemcacheBench(ctx));
    },
  },
  { name: "amqp", workloads: ["amqp"], run: async (ctx) => ({ results: await (await import("./amqp.js")).runAmqpBench(ctx) }) },
  {
    name: "redis",
    workloads: ["redis"],
    peer: "redis-server",
    run: async (ctx) => {
      const { runRedisBench } = await import("./redis.js");
      return selectedAnyway(() => runRedisBench(ctx));
    },
  },
];

/** The entries that WORKLOADS selects. */
export function selectedBenches(workloads: ReadonlySet<WorkloadName>): BenchEntry[] {
  return BENCHES.filter((b) => b.workloads.some((w) => workloads.has(w)));
}
