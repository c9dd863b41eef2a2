/**
 * TCP and Unix echo benchmarks: the yardstick's C load generator against the raw Node
 * `net` echo server and Torsion's echo example. Each round starts a fresh server of each
 * kind per transport; workloads alternate between the two back to back, the order
 * rotating per workload and round; servers and load generator are pinned to different CPUs.
 */
import path from "node:path";
import { rmSync } from "node:fs";
import type { BenchContext } from "./lib/context.js";
import { sidesForRound, type Side, type WorkloadName } from "./lib/config.js";
import { freeTcpPort, pinned, runCommand, ServerProcess, outputSummary, waitForListening } from "./lib/proc.js";
import { makeResult, median, sideStats, skipped, type Result, type Target } from "./lib/result.js";

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

/** One load run's outcome. */
export interface EchoSample {
  readonly round: number;
  readonly side: Side;
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
  side: Side,
): Promise<EchoSample> {
  const { dur, warm, loadgenCpu } = ctx.config;
  const argv = pinned(loadgenCpu, [loadgen, "-t", target, ...wl.args, "-d", String(dur), "-w", String(warm), "-P", String(server.pid)]);
  const r = await runCommand(argv, (warm + dur + 20) * 1000);
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

function failedSample(round: number, side: Side, wl: EchoWorkload, error: string): EchoSample {
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

/** Starts a fresh `side` server on `transport` and waits until it accepts connections. */
async function startServer(ctx: BenchContext, side: Side, transport: Transport, round: number): Promise<Started> {
  const { config } = ctx;
  const cmd = side === "raw" ? config.rawEchoCmd : config.torsionEchoCmd;
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

/**
 * One round of one transport: a fresh server per side, both running, then every workload
 * against each side back to back (order alternating per workload and round), so drift of
 * the machine hits both sides alike. The idle server sleeps on the same CPU meanwhile.
 */
async function runRound(
  ctx: BenchContext,
  loadgen: string,
  sides: readonly Side[],
  transport: Transport,
  wls: readonly EchoWorkload[],
  round: number,
): Promise<EchoSample[]> {
  const started = new Map<Side, Started>();
  const samples: EchoSample[] = [];
  try {
    for (const side of sides) started.set(side, await startServer(ctx, side, transport, round));
    for (const [i, wl] of wls.entries()) {
      for (const side of sidesForRound(round + i).filter((s) => sides.includes(s))) {
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
    return samples;
  } finally {
    for (const st of started.values()) {
      if ("error" in st) continue;
      await st.server.stop();
      if (st.sock !== null) rmSync(st.sock, { force: true });
    }
  }
}

function fmt(v: number | null, digits = 0): string {
  return v === null ? "-" : v.toFixed(digits);
}

function summarise(wl: EchoWorkload, samples: readonly EchoSample[]): Result {
  const side = (s: Side) => {
    const mine = samples.filter((x) => x.side === s && x.workload === wl.name);
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
  };
  const lgBusy = median(
    samples.filter((x) => x.workload === wl.name && x.ok).flatMap((x) => (x.loadgenCpuPct === null ? [] : [x.loadgenCpuPct])),
  );
  const note = lgBusy !== null && lgBusy >= 90 ? `load generator ${lgBusy.toFixed(0)}% busy: client-bound, read CPU us/op` : undefined;
  return makeResult(`echo-${wl.transport}`, wl.name, wl.unit, side("raw"), side("torsion"), wl.target, note);
}

/**
 * Runs the selected echo workloads for `config.rounds` rounds and returns one `Result`
 * per workload, plus every raw sample (for the JSON file).
 */
export async function runEchoBench(
  ctx: BenchContext,
  loadgen: string | null,
  skipReason: string,
  sides: ReadonlySet<Side>,
): Promise<{ results: Result[]; samples: EchoSample[] }> {
  const wls = ECHO_WORKLOADS.filter((w) => ctx.config.workloads.has(w.name));
  if (wls.length === 0) return { results: [], samples: [] };
  if (loadgen === null) {
    ctx.fail(`SKIP TCP/Unix echo: ${skipReason}`);
    return { results: wls.map((w) => skipped(`echo-${w.transport}`, w.name, w.unit, w.target, skipReason)), samples: [] };
  }
  const samples: EchoSample[] = [];
  for (let round = 0; round < ctx.config.rounds; round++) {
    const order = sidesForRound(round).filter((s) => sides.has(s));
    for (const transport of ["tcp", "unix"] as const) {
      const mine = wls.filter((w) => w.transport === transport);
      if (mine.length > 0) samples.push(...(await runRound(ctx, loadgen, order, transport, mine, round)));
    }
  }
  return { results: wls.map((w) => summarise(w, samples)), samples };
}
