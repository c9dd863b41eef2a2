/**
 * TCP and Unix echo benchmarks: the yardstick's C load generator against the raw Node
 * `net` echo server and Torsion's echo example. Each round starts a fresh server of each
 * kind per transport; workloads alternate between the two back to back, the order
 * rotating per workload and round; servers and load generator are pinned to different CPUs.
 */
import path from "node:path";
import { rmSync } from "node:fs";
import type { BenchContext } from "./lib/context.js";
import type { Side, WorkloadName } from "./lib/config.js";
import { freeTcpPort, pinned, runCommand, ServerProcess, outputSummary, statusKb, waitForListening } from "./lib/proc.js";
import { makeResult, median, sideStats, skipped, type Result, type SideStats, type Target } from "./lib/result.js";
import { referenceServers, type EchoServer } from "./lib/reference-servers.js";

type Transport = "tcp" | "unix";

interface EchoWorkload {
  readonly name: WorkloadName;
  readonly transport: Transport;
  readonly args: readonly string[];
  readonly unit: "msg/s" | "MB/s" | "conn/s";
  readonly target: Target;
}

const PP: Target = { op: ">=", value: 1.0 };
const UNIX: Target = { op: ">=", value: 0.95 };
const CHURN: Target = { op: ">=", value: 0.9 };

/** The echo workloads, as the yardstick defines them. */
export const ECHO_WORKLOADS: readonly EchoWorkload[] = [
  { name: "pp1x64", transport: "tcp", args: ["-m", "pingpong", "-c", "1", "-s", "64", "-b"], unit: "msg/s", target: PP },
  { name: "pp50x64", transport: "tcp", args: ["-m", "pingpong", "-c", "50", "-s", "64"], unit: "msg/s", target: { ...PP, aim: 1.28 } },
  { name: "pp50x1k", transport: "tcp", args: ["-m", "pingpong", "-c", "50", "-s", "1024"], unit: "msg/s", target: PP },
  {
    name: "stream10x64k",
    transport: "tcp",
    args: ["-m", "stream", "-c", "10", "-s", "65536", "-k", "262144"],
    unit: "MB/s",
    target: { ...PP, aim: 3.5 },
  },
  { name: "churn10", transport: "tcp", args: ["-m", "churn", "-c", "10", "-s", "64"], unit: "conn/s", target: CHURN },
  { name: "churn10-unix", transport: "unix", args: ["-m", "churn", "-c", "10", "-s", "64"], unit: "conn/s", target: CHURN },
  { name: "pp50x64-unix", transport: "unix", args: ["-m", "pingpong", "-c", "50", "-s", "64"], unit: "msg/s", target: UNIX },
  {
    name: "stream10x64k-unix",
    transport: "unix",
    args: ["-m", "stream", "-c", "10", "-s", "65536", "-k", "262144"],
    unit: "MB/s",
    target: UNIX,
  },
];

/**
 * What smoke mode (`BENCH_SMOKE=1`) runs: one workload per load-generator mode (ping-pong,
 * stream, churn) over TCP and one over Unix, so every code path of this file and of the
 * load generator still runs; the other rows differ only in arguments and are reported as
 * skipped. An explicit `WORKLOADS` list is run as given.
 */
export const SMOKE_ECHO_WORKLOADS: ReadonlySet<WorkloadName> = new Set<WorkloadName>([
  "pp50x64",
  "stream10x64k",
  "churn10",
  "pp50x64-unix",
]);

/** One load run's outcome. */
export interface EchoSample {
  readonly round: number;
  /** `raw`, `torsion`, or a reference server's name. */
  readonly side: string;
  readonly workload: WorkloadName;
  readonly rc: number | null;
  readonly ok: boolean;
  readonly value: number | null;
  readonly cpuUsPerOp: number | null;
  readonly hwmKb: number | null;
  readonly p50Us: number | null;
  readonly loadgenCpuPct: number | null;
  /** Server CPU % over the window: well under 100 on a server-bound workload = contention. */
  readonly serverCpuPct?: number | null;
  readonly error?: string;
}

type Json = Record<string, unknown>;

function numField(j: Json, key: string): number | null {
  const v = j[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function lastJsonLine(stdout: string): Json | null {
  const line = stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  if (line === undefined) return null;
  try {
    return JSON.parse(line) as Json;
  } catch {
    return null;
  }
}

/** Runs the load generator once against a running server. */
async function runLoad(
  ctx: BenchContext,
  loadgen: string,
  wl: EchoWorkload,
  target: string,
  server: ServerProcess,
  round: number,
  side: string,
): Promise<EchoSample> {
  const { dur, warm, loadgenCpu, smoke } = ctx.config;
  const load = (seconds: number): ReturnType<typeof runCommand> =>
    runCommand(
      pinned(loadgenCpu, [loadgen, "-t", target, ...wl.args, "-d", String(seconds), "-w", String(warm), "-P", String(server.pid)]),
      (warm + seconds + 20) * 1000,
    );
  let r = await load(dur);
  // A smoke window is a fraction of a second: on a busy machine it may end before the first
  // stream window is echoed ("completed=0", no error). Once, with a longer window, then it counts.
  if (smoke && r.code === 3 && r.stderr.includes("errors=0 peer_closed=0 completed=0")) r = await load(Math.max(1, dur * 5));
  const j = lastJsonLine(r.stdout) ?? {};
  const ok = r.code === 0 && j.ok === true;
  const value = numField(j, wl.unit === "MB/s" ? "MBps" : "msgs_per_s");
  const base = { round, side, workload: wl.name, rc: r.code, ok, value: ok ? value : null };
  const extra = {
    cpuUsPerOp: numField(j, "server_cpu_us_per_op"),
    hwmKb: numField(j, "server_hwm_kb"),
    p50Us: wl.unit === "MB/s" ? null : numField(j, "p50_us"),
    loadgenCpuPct: numField(j, "loadgen_cpu_pct"),
    serverCpuPct: numField(j, "server_cpu_pct"),
  };
  if (ok) return { ...base, ...extra };
  const why = r.timedOut
    ? "load generator timed out"
    : r.code === 2
      ? "VERIFICATION FAILED (corrupt, missing or extra bytes)"
      : `loadgen exit ${String(r.code ?? r.signal)}`;
  const error = `${why}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`;
  ctx.fail(`FAIL ${side} ${wl.name} round ${round + 1}: ${error}`);
  return { ...base, ...extra, error };
}

function failedSample(round: number, side: string, wl: EchoWorkload, error: string): EchoSample {
  return {
    round,
    side,
    workload: wl.name,
    rc: null,
    ok: false,
    value: null,
    cpuUsPerOp: null,
    hwmKb: null,
    p50Us: null,
    loadgenCpuPct: null,
    error,
  };
}

/** A started echo server and where it listens, or why it did not start. */
type Started = { readonly server: ServerProcess; readonly target: string; readonly sock: string | null } | { readonly error: string };

/** Starts a fresh server on `transport` and waits until it accepts connections. */
async function startServer(ctx: BenchContext, srv: EchoServer, transport: Transport, round: number): Promise<Started> {
  const { config } = ctx;
  const side = srv.name;
  const cmd = srv.cmd;
  const sock = transport === "unix" ? path.join(ctx.tmpDir, `echo-${side}-${round}.sock`) : null;
  const port = sock === null ? await freeTcpPort() : 0;
  const server = new ServerProcess(pinned(config.serverCpu, [...cmd, sock ?? String(port)]));
  try {
    await waitForListening(sock === null ? { host: "127.0.0.1", port } : { path: sock }, server, 15_000);
    return { server, target: sock ?? `127.0.0.1:${port}`, sock };
  } catch (e) {
    await server.stop();
    const error = (e as Error).message;
    ctx.fail(`FAIL ${side} ${transport} round ${round + 1}: ${error}`);
    return { error };
  }
}

/** Server memory of one round of the TCP workloads: VmRSS once listening, VmHWM after the last workload. */
export interface MemorySample {
  readonly round: number;
  readonly side: string;
  readonly startRssKb: number | null;
  readonly endHwmKb: number | null;
}

/** `list` rotated left by `by`, so each server takes each position in turn. */
function rotated<T>(list: readonly T[], by: number): T[] {
  const n = list.length;
  return n === 0 ? [] : list.map((_, i) => list[(i + by) % n]!);
}

/**
 * One round of one transport: a fresh server per side, all running, then every workload
 * against each server back to back (order rotating per workload and round), so drift of
 * the machine hits all alike. The idle servers sleep on the same CPU meanwhile.
 */
async function runRound(
  ctx: BenchContext,
  loadgen: string,
  servers: readonly EchoServer[],
  transport: Transport,
  wls: readonly EchoWorkload[],
  round: number,
): Promise<{ samples: EchoSample[]; memory: MemorySample[] }> {
  const started = new Map<string, Started>();
  const samples: EchoSample[] = [];
  const startRss = new Map<string, number | null>();
  const memory: MemorySample[] = [];
  try {
    // Started together (each is sampled once it listens): sequential starts cost seconds.
    const starts = servers.map(async (srv) => {
      const st = await startServer(ctx, srv, transport, round);
      started.set(srv.name, st);
      startRss.set(srv.name, "error" in st ? null : (statusKb(st.server.pid, "VmRSS") ?? null));
    });
    // All settle before any failure propagates, so the finally block stops every started server.
    for (const outcome of await Promise.allSettled(starts))
      if (outcome.status === "rejected") throw outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
    for (const [i, wl] of wls.entries()) {
      for (const srv of rotated(servers, round + i)) {
        if (srv.firstOnly === true && i > 0) continue;
        const side = srv.name;
        const st = started.get(side)!;
        if ("error" in st) {
          samples.push(failedSample(round, side, wl, st.error));
          continue;
        }
        if (!st.server.alive) {
          samples.push(failedSample(round, side, wl, `server died: ${outputSummary(st.server.output)}`));
          continue;
        }
        const s = await runLoad(ctx, loadgen, wl, st.target, st.server, round, side);
        ctx.log(
          `r${round + 1} ${side.padEnd(7)} ${wl.name.padEnd(18)} ${s.ok ? `${fmt(s.value)} ${wl.unit} cpu=${fmt(s.cpuUsPerOp, 1)}us/op lg=${fmt(s.loadgenCpuPct)}%` : "FAIL"}`,
        );
        samples.push(s);
      }
    }
    for (const [side, st] of started)
      if (!("error" in st) && st.server.alive)
        memory.push({ round, side, startRssKb: startRss.get(side) ?? null, endHwmKb: statusKb(st.server.pid, "VmHWM") ?? null });
    return { samples, memory };
  } finally {
    const stops = [...started.values()].map(async (st) => {
      if ("error" in st) return;
      await st.server.stop();
      if (st.sock !== null) rmSync(st.sock, { force: true });
    });
    await Promise.all(stops);
  }
}

function fmt(v: number | null, digits = 0): string {
  return v === null ? "-" : v.toFixed(digits);
}

function sideOf(samples: readonly EchoSample[], name: string, workload: WorkloadName): SideStats {
  const mine = samples.filter((x) => x.side === name && x.workload === workload);
  const good = mine.filter((x) => x.ok && x.value !== null);
  const hwm = median(good.flatMap((x) => (x.hwmKb === null ? [] : [x.hwmKb / 1024])));
  return sideStats(
    good.map((x) => x.value!),
    mine.length - good.length,
    {
      cpuUsPerOp: median(good.flatMap((x) => (x.cpuUsPerOp === null ? [] : [x.cpuUsPerOp]))),
      peakRssMiB: hwm,
      p50Us: median(good.flatMap((x) => (x.p50Us === null ? [] : [x.p50Us]))),
      errors: mine.flatMap((x) => (x.error === undefined ? [] : [x.error])).slice(0, 3),
    },
  );
}

function refsOf(names: readonly string[], stats: (name: string) => SideStats): Record<string, SideStats> | undefined {
  const out: Record<string, SideStats> = {};
  for (const n of names) {
    const s = stats(n);
    if (s.samples.length > 0 || s.failures > 0) out[n] = s;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function summarise(wl: EchoWorkload, samples: readonly EchoSample[], refNames: readonly string[]): Result {
  const lgBusy = median(
    samples.filter((x) => x.workload === wl.name && x.ok).flatMap((x) => (x.loadgenCpuPct === null ? [] : [x.loadgenCpuPct])),
  );
  const note = lgBusy !== null && lgBusy >= 90 ? `load generator ${lgBusy.toFixed(0)}% busy: client-bound, read CPU us/op` : undefined;
  const r = makeResult(
    `echo-${wl.transport}`,
    wl.name,
    wl.unit,
    sideOf(samples, "raw", wl.name),
    sideOf(samples, "torsion", wl.name),
    wl.target,
    note,
  );
  const refs = refsOf(refNames, (n) => sideOf(samples, n, wl.name));
  return refs === undefined ? r : { ...r, refs };
}

/** Server CPU µs per 64 B message on pp50x64, as a row of its own (target: at most uvloop's). */
function cpuRow(samples: readonly EchoSample[], refNames: readonly string[]): Result | null {
  const cpu = (name: string): SideStats => {
    const xs = samples
      .filter((x) => x.side === name && x.workload === "pp50x64" && x.ok)
      .flatMap((x) => (x.cpuUsPerOp === null ? [] : [x.cpuUsPerOp]));
    return sideStats(xs, 0);
  };
  const raw = cpu("raw");
  const torsion = cpu("torsion");
  if (raw.median === null && torsion.median === null) return null;
  const refs = refsOf(refNames, cpu);
  const uvloop = refs?.uvloop?.median ?? null;
  const base = makeResult(
    "echo-tcp",
    "cpu-us-per-64B-msg",
    "us/op",
    raw,
    torsion,
    null,
    "server CPU µs per message on pp50x64 (all threads); target: at most uvloop's in the same run",
  );
  const status =
    uvloop === null || torsion.median === null || base.status === "FAIL" ? base.status : torsion.median <= uvloop ? "pass" : "miss";
  return { ...base, status, lowerIsBetter: true, ...(refs === undefined ? {} : { refs }) };
}

/** RSS at start and peak RSS after all the TCP workloads of a round, as rows (MiB). */
function memoryRows(memory: readonly MemorySample[], refNames: readonly string[], tcpNames: readonly string[]): Result[] {
  if (memory.length === 0) return [];
  const of = (name: string, pick: (m: MemorySample) => number | null): SideStats =>
    sideStats(
      memory
        .filter((m) => m.side === name)
        .flatMap((m) => {
          const v = pick(m);
          return v === null ? [] : [v / 1024];
        }),
      0,
    );
  const start = (m: MemorySample): number | null => m.startRssKb;
  const peak = (m: MemorySample): number | null => m.endHwmKb;
  const rawStart = of("raw", start);
  const torStart = of("torsion", start);
  const startRow = makeResult(
    "memory",
    "rss-start",
    "MiB",
    rawStart,
    torStart,
    null,
    "server VmRSS once listening; target: at most raw node:net + 5 MiB",
  );
  const startStatus =
    rawStart.median === null || torStart.median === null ? startRow.status : torStart.median <= rawStart.median + 5 ? "pass" : "miss";
  const startRefs = refsOf(refNames, (n) => of(n, start));
  const peakRefs = refsOf(refNames, (n) => of(n, peak));
  const peakRow = makeResult(
    "memory",
    "peak-rss-tcp",
    "MiB",
    of("raw", peak),
    of("torsion", peak),
    { op: "<=", value: 1.0 },
    `server VmHWM after the TCP workloads of a round (${tcpNames.join(", ")})`,
  );
  return [
    { ...startRow, status: startStatus, lowerIsBetter: true, ...(startRefs === undefined ? {} : { refs: startRefs }) },
    { ...peakRow, lowerIsBetter: true, ...(peakRefs === undefined ? {} : { refs: peakRefs }) },
  ];
}

/**
 * Runs the selected echo workloads for `config.rounds` rounds and returns one `Result`
 * per workload (with the reference servers that ran as `refs`), the CPU and memory rows,
 * plus every raw sample (for the results files).
 */
export async function runEchoBench(
  ctx: BenchContext,
  loadgen: string | null,
  skipReason: string,
  sides: ReadonlySet<Side>,
): Promise<{ results: Result[]; samples: (EchoSample | MemorySample)[] }> {
  const selected = ECHO_WORKLOADS.filter((w) => ctx.config.workloads.has(w.name));
  const trimmed = ctx.config.smoke && process.env.WORKLOADS === undefined;
  const wls = trimmed ? selected.filter((w) => SMOKE_ECHO_WORKLOADS.has(w.name)) : selected;
  const notRun = selected
    .filter((w) => !wls.includes(w))
    .map((w) => skipped(`echo-${w.transport}`, w.name, w.unit, w.target, "not run in smoke mode"));
  if (wls.length === 0) return { results: notRun, samples: [] };
  if (loadgen === null) {
    ctx.fail(`SKIP TCP/Unix echo: ${skipReason}`);
    return { results: wls.map((w) => skipped(`echo-${w.transport}`, w.name, w.unit, w.target, skipReason)), samples: [] };
  }
  const mains: EchoServer[] = [];
  if (sides.has("raw")) mains.push({ name: "raw", cmd: ctx.config.rawEchoCmd });
  if (sides.has("torsion")) mains.push({ name: "torsion", cmd: ctx.config.torsionEchoCmd });
  const refs = await referenceServers(ctx);
  const refNames = refs.map((r) => r.name);
  const samples: EchoSample[] = [];
  const memory: MemorySample[] = [];
  for (let round = 0; round < ctx.config.rounds; round++) {
    const ordered = round % 2 === 0 ? mains : [...mains].reverse();
    let refsDone = false;
    for (const transport of ["tcp", "unix"] as const) {
      const mine = wls.filter((w) => w.transport === transport);
      if (mine.length === 0) continue;
      // Smoke mode checks that each reference server starts and answers once, on the first
      // transport only: starting the Python servers again for Unix would double the cost.
      const servers = ctx.config.smoke && refsDone ? ordered : [...ordered, ...refs];
      refsDone = true;
      const out = await runRound(ctx, loadgen, servers, transport, mine, round);
      samples.push(...out.samples);
      if (transport === "tcp") memory.push(...out.memory);
    }
  }
  const extra = [
    cpuRow(samples, refNames),
    ...memoryRows(
      memory,
      refNames,
      wls.filter((w) => w.transport === "tcp").map((w) => w.name),
    ),
  ];
  return {
    results: [...wls.map((w) => summarise(w, samples, refNames)), ...notRun, ...extra.filter((r): r is Result => r !== null)],
    samples: [...samples, ...memory.map((m) => ({ kind: "memory", ...m }))],
  };
}
