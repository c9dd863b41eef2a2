/**
 * UDP echo: our windowed C load generator (`clients/udpgen.c`: 4 sockets x 16 datagrams
 * in flight, every echo verified) against a raw `node:dgram` echo server and a Torsion
 * `DatagramProtocol` echo server. Both servers start fresh each round; each workload runs
 * against both back to back, the order rotating per workload and round; pinned CPUs.
 */
import type { BenchContext } from "./lib/context.js";
import { sidesForRound, type Side, type WorkloadName } from "./lib/config.js";
import { pinned, runCommand, ServerProcess, outputSummary } from "./lib/proc.js";
import { makeResult, median, sideStats, skipped, type Result, type Target } from "./lib/result.js";

const TARGET: Target = { op: ">=", value: 0.95 };
const SOCKETS = 4;
const WINDOW = 16;

interface UdpWorkload {
  readonly name: WorkloadName;
  readonly size: number;
}

const UDP_WORKLOADS: readonly UdpWorkload[] = [
  { name: "udp64", size: 64 },
  { name: "udp1k", size: 1024 },
];

/** One load run's outcome. */
export interface UdpSample {
  readonly round: number;
  readonly side: Side;
  readonly workload: WorkloadName;
  readonly rc: number | null;
  readonly ok: boolean;
  readonly value: number | null;
  readonly lost: number;
  readonly cpuUsPerOp: number | null;
  readonly hwmKb: number | null;
  readonly p50Us: number | null;
  readonly error?: string;
}

type Json = Record<string, unknown>;

function numField(j: Json, key: string): number | null {
  const v = j[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function parse(stdout: string): Json {
  const line = stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  try {
    return line === undefined ? {} : (JSON.parse(line) as Json);
  } catch {
    return {};
  }
}

async function runLoad(
  ctx: BenchContext,
  udpgen: string,
  wl: UdpWorkload,
  port: number,
  server: ServerProcess,
  round: number,
  side: Side,
): Promise<UdpSample> {
  const { dur, warm, loadgenCpu } = ctx.config;
  const argv = pinned(loadgenCpu, [
    udpgen,
    "-t",
    `127.0.0.1:${port}`,
    "-c",
    String(SOCKETS),
    "-n",
    String(WINDOW),
    "-s",
    String(wl.size),
    "-d",
    String(dur),
    "-w",
    String(warm),
    "-P",
    String(server.pid),
  ]);
  const r = await runCommand(argv, (warm + dur + 15) * 1000);
  const j = parse(r.stdout);
  const ok = r.code === 0 && j.ok === true;
  const sample = {
    round,
    side,
    workload: wl.name,
    rc: r.code,
    ok,
    value: ok ? numField(j, "dgrams_per_s") : null,
    lost: numField(j, "lost") ?? 0,
    cpuUsPerOp: numField(j, "server_cpu_us_per_op"),
    hwmKb: numField(j, "server_hwm_kb"),
    p50Us: numField(j, "p50_us"),
  };
  if (ok) return sample;
  const why = r.timedOut
    ? "udpgen timed out"
    : r.code === 2
      ? "VERIFICATION FAILED (corrupt or duplicate datagrams)"
      : `udpgen exit ${String(r.code ?? r.signal)}`;
  const error = `${why}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`;
  ctx.fail(`FAIL ${side} ${wl.name} round ${round + 1}: ${error}`);
  return { ...sample, error };
}

function failed(round: number, side: Side, wl: UdpWorkload, error: string): UdpSample {
  return { round, side, workload: wl.name, rc: null, ok: false, value: null, lost: 0, cpuUsPerOp: null, hwmKb: null, p50Us: null, error };
}

type Started = { readonly server: ServerProcess; readonly port: number } | { readonly error: string };

/** Starts a fresh `side` UDP server on a free port and waits for its "listening PORT" line. */
async function startServer(ctx: BenchContext, side: Side, round: number): Promise<Started> {
  const cmd = side === "raw" ? ctx.config.rawUdpCmd : ctx.config.torsionUdpCmd;
  const server = new ServerProcess(pinned(ctx.config.serverCpu, [...cmd, "0"]));
  try {
    return { server, port: Number((await server.waitForOutput(/listening (\d+)/, 15_000))[1]) };
  } catch (e) {
    await server.stop();
    const error = (e as Error).message;
    ctx.fail(`FAIL ${side} UDP round ${round + 1}: ${error}`);
    return { error };
  }
}

/** One round: both servers fresh, then each workload against each side back to back. */
async function runRound(
  ctx: BenchContext,
  udpgen: string,
  sides: readonly Side[],
  wls: readonly UdpWorkload[],
  round: number,
): Promise<UdpSample[]> {
  const started = new Map<Side, Started>();
  const samples: UdpSample[] = [];
  try {
    for (const side of sides) started.set(side, await startServer(ctx, side, round));
    for (const [i, wl] of wls.entries()) {
      for (const side of sidesForRound(round + i).filter((s) => sides.includes(s))) {
        const st = started.get(side)!;
        if ("error" in st) {
          samples.push(failed(round, side, wl, st.error));
          continue;
        }
        if (!st.server.alive) {
          samples.push(failed(round, side, wl, `server died: ${outputSummary(st.server.output)}`));
          continue;
        }
        const s = await runLoad(ctx, udpgen, wl, st.port, st.server, round, side);
        ctx.log(
          `r${round + 1} ${side.padEnd(7)} ${wl.name.padEnd(18)} ${s.ok ? `${s.value?.toFixed(0) ?? "-"} dgram/s lost=${s.lost} cpu=${s.cpuUsPerOp?.toFixed(1) ?? "-"}us/op` : "FAIL"}`,
        );
        samples.push(s);
      }
    }
    return samples;
  } finally {
    for (const st of started.values()) if (!("error" in st)) await st.server.stop();
  }
}

function summarise(wl: UdpWorkload, samples: readonly UdpSample[]): Result {
  const side = (s: Side) => {
    const mine = samples.filter((x) => x.side === s && x.workload === wl.name);
    const good = mine.filter((x) => x.ok && x.value !== null);
    return sideStats(
      good.map((x) => x.value!),
      mine.length - good.length,
      {
        cpuUsPerOp: median(good.flatMap((x) => (x.cpuUsPerOp === null ? [] : [x.cpuUsPerOp]))),
        peakRssMiB: median(good.flatMap((x) => (x.hwmKb === null ? [] : [x.hwmKb / 1024]))),
        p50Us: median(good.flatMap((x) => (x.p50Us === null ? [] : [x.p50Us]))),
        errors: mine.flatMap((x) => (x.error === undefined ? [] : [x.error])).slice(0, 3),
      },
    );
  };
  const lost = samples.filter((x) => x.workload === wl.name).reduce((n, x) => n + x.lost, 0);
  const note = `${SOCKETS} sockets x ${WINDOW} in flight, ${wl.size} B${lost > 0 ? `; ${lost} datagrams lost (timed out) over all rounds` : "; none lost"}`;
  return makeResult("udp", wl.name, "dgram/s", side("raw"), side("torsion"), TARGET, note);
}

/** Runs the selected UDP workloads for `config.rounds` rounds. */
export async function runUdpBench(
  ctx: BenchContext,
  udpgen: string | null,
  skipReason: string,
  sides: ReadonlySet<Side>,
): Promise<{ results: Result[]; samples: UdpSample[] }> {
  const wls = UDP_WORKLOADS.filter((w) => ctx.config.workloads.has(w.name));
  if (wls.length === 0) return { results: [], samples: [] };
  if (udpgen === null) {
    ctx.fail(`SKIP UDP echo: ${skipReason}`);
    return { results: wls.map((w) => skipped("udp", w.name, "dgram/s", TARGET, skipReason)), samples: [] };
  }
  const samples: UdpSample[] = [];
  for (let round = 0; round < ctx.config.rounds; round++) {
    samples.push(
      ...(await runRound(
        ctx,
        udpgen,
        sidesForRound(round).filter((s) => sides.has(s)),
        wls,
        round,
      )),
    );
  }
  return { results: wls.map((w) => summarise(w, samples)), samples };
}
