/**
 * The `torsion` command line (packages/torsion, bin `torsion`), issue 11's rows:
 * - `cli-workers`: `torsion --workers 1 echo` against `--workers 2` on pp50x64 (the
 *   yardstick's C load generator on LOADGEN_CPU, the server tree NOT pinned, so two
 *   workers can use both cores): the ratio is the speed-up; CPU µs per message is summed
 *   over the primary and its workers (/proc, over the whole load run incl. warm-up,
 *   divided by the messages at the measured rate). This machine has 2 cores, and the load
 *   generator needs one of them.
 * - `portforward`: `torsion portforward` against a raw node:net proxy (servers/raw-net-proxy.ts),
 *   each in front of the same raw node:net echo server, on pp50x64 and stream10x64k; proxies
 *   on SERVER_CPU, the echo server and the load generator on LOADGEN_CPU; target >= 1.0.
 * Rounds interleaved (ROUNDS), the order alternating.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ECHO_WORKLOADS } from "./echo.js";
import type { BenchContext } from "./lib/context.js";
import { benchScript, REPO_DIR } from "./lib/paths.js";
import { freeTcpPort, pinned, runCommand, ServerProcess, sleep, waitForListening } from "./lib/proc.js";
import { makeResult, median, sideStats, skipped, type Result } from "./lib/result.js";

const TORSION_BIN = path.join(REPO_DIR, "packages", "torsion", "bin", "torsion.js");
const CLK_TCK = 100;
const SIDES: readonly ("raw" | "torsion")[] = ["raw", "torsion"];

/** CPU ticks of a process and all its descendants. */
function treeTicks(pid: number): number {
  let total = 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    total += Number(fields[11]) + Number(fields[12]);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    for (const c of children) total += treeTicks(Number(c));
  } catch {
    /* gone meanwhile */
  }
  return total;
}

interface Load {
  readonly ok: boolean;
  readonly value: number | null;
  readonly cpuUsPerOp: number | null;
  readonly error?: string;
}

async function load(
  ctx: BenchContext,
  loadgen: string,
  workload: string,
  port: number,
  measuredPid: number,
  treeCpu: boolean,
): Promise<Load> {
  const wl = ECHO_WORKLOADS.find((w) => w.name === workload)!;
  const { warm, loadgenCpu, smoke } = ctx.config;
  let dur = ctx.config.dur;
  const argvFor = (): string[] =>
    pinned(loadgenCpu, [loadgen, "-t", `127.0.0.1:${port}`, ...wl.args, "-d", String(dur), "-w", String(warm), "-P", String(measuredPid)]);
  let t0 = treeTicks(measuredPid);
  let r = await runCommand(argvFor(), (warm + dur + 20) * 1000);
  // As in echo.ts: a smoke window on a busy machine may end before the first answer
  // ("completed=0", no error). Once more with a longer window, then it counts.
  if (smoke && r.code === 3 && r.stderr.includes("completed=0")) {
    dur = Math.max(1, dur * 5);
    t0 = treeTicks(measuredPid);
    r = await runCommand(argvFor(), (warm + dur + 20) * 1000);
  }
  const t1 = treeTicks(measuredPid);
  const line =
    r.stdout
      .trim()
      .split("\n")
      .reverse()
      .find((l) => l.startsWith("{")) ?? "{}";
  let j: Record<string, unknown> = {};
  try {
    j = JSON.parse(line) as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  const value =
    typeof j[wl.unit === "MB/s" ? "MBps" : "msgs_per_s"] === "number" ? (j[wl.unit === "MB/s" ? "MBps" : "msgs_per_s"] as number) : null;
  if (r.code !== 0 || j.ok !== true || value === null) {
    const error = `loadgen exit ${String(r.code ?? r.signal)}: ${r.stderr.trim().split("\n").slice(-2).join(" | ")}`;
    ctx.fail(`FAIL ${workload} via port ${port}: ${error}`);
    return { ok: false, value: null, cpuUsPerOp: null, error };
  }
  const msgs = typeof j.msgs_per_s === "number" ? j.msgs_per_s * (warm + dur) : 0;
  const cpuUsPerOp = treeCpu
    ? msgs > 0
      ? (((t1 - t0) / CLK_TCK) * 1e6) / msgs
      : null
    : typeof j.server_cpu_us_per_op === "number"
      ? j.server_cpu_us_per_op
      : null;
  return { ok: true, value, cpuUsPerOp };
}

async function started(ctx: BenchContext, argv: readonly string[], port: number, settleMs: number): Promise<ServerProcess> {
  const server = new ServerProcess(argv);
  try {
    await waitForListening({ host: "127.0.0.1", port }, server, 20_000);
    if (settleMs > 0) await sleep(settleMs);
    return server;
  } catch (e) {
    await server.stop();
    throw e;
  }
}

interface Acc {
  raw: Load[];
  torsion: Load[];
}

/**
 * The median of torsion/raw over the rounds where both sides succeeded (round i is entry
 * i of each side: every round pushes one load per side). Steadier than the ratio of
 * medians on a loaded machine, where a burst of other work hits one round of one side.
 */
function pairedRatio(acc: Acc, pick: (x: Load) => number | null): number | null {
  const ratios: number[] = [];
  acc.torsion.forEach((t, i) => {
    const r = acc.raw[i];
    const tv = t.ok ? pick(t) : null;
    const rv = r?.ok === true ? pick(r) : null;
    if (tv !== null && rv !== null && rv > 0) ratios.push(tv / rv);
  });
  return median(ratios);
}

function toResult(
  group: string,
  workload: string,
  unit: string,
  acc: Acc,
  target: { op: ">="; value: number } | null,
  note: string,
): Result[] {
  const side = (xs: Load[]) =>
    sideStats(
      xs.filter((x) => x.ok).map((x) => x.value!),
      xs.filter((x) => !x.ok).length,
      {
        cpuUsPerOp: median(xs.flatMap((x) => (x.cpuUsPerOp === null ? [] : [x.cpuUsPerOp]))),
        errors: xs.flatMap((x) => (x.error === undefined ? [] : [x.error])).slice(0, 3),
      },
    );
  const raw = side(acc.raw);
  const torsion = side(acc.torsion);
  const cpu = (xs: Load[]) =>
    sideStats(
      xs.flatMap((x) => (x.ok && x.cpuUsPerOp !== null ? [x.cpuUsPerOp] : [])),
      0,
    );
  const fmt = (v: number | null): string => (v === null ? "-" : `x${v.toFixed(2)}`);
  const paired = `per-round ratio median ${fmt(pairedRatio(acc, (x) => x.value))}`;
  const pairedCpu = `per-round ratio median ${fmt(pairedRatio(acc, (x) => x.cpuUsPerOp))}`;
  return [
    makeResult(group, workload, unit, raw, torsion, target, `${note}; ${paired}`),
    {
      ...makeResult(
        group,
        `${workload}-cpu`,
        "us/op",
        cpu(acc.raw),
        cpu(acc.torsion),
        null,
        `server-side CPU µs per message; ${pairedCpu}`,
      ),
      lowerIsBetter: true,
    },
  ];
}

async function workersBench(ctx: BenchContext, loadgen: string): Promise<Result[]> {
  const acc: Acc = { raw: [], torsion: [] };
  for (let round = 0; round < ctx.config.rounds; round++) {
    for (const n of round % 2 === 0 ? [1, 2] : [2, 1]) {
      const port = await freeTcpPort();
      let server: ServerProcess | null = null;
      try {
        server = await started(
          ctx,
          [process.execPath, TORSION_BIN, "--workers", String(n), "echo", "--listen", `tcp:${port}:interface=127.0.0.1`],
          port,
          1000,
        );
        const r = await load(ctx, loadgen, "pp50x64", port, server.pid, true);
        ctx.log(
          `r${round + 1} torsion --workers ${n} pp50x64 ${r.ok ? `${r.value?.toFixed(0) ?? "-"} msg/s cpu=${r.cpuUsPerOp?.toFixed(1) ?? "-"}us/msg` : "FAIL"}`,
        );
        (n === 1 ? acc.raw : acc.torsion).push(r);
      } catch (e) {
        (n === 1 ? acc.raw : acc.torsion).push({
          ok: false,
          value: null,
          cpuUsPerOp: null,
          error: e instanceof Error ? e.message : String(e),
        });
      } finally {
        await server?.stop(5000);
      }
    }
  }
  return toResult(
    "cli",
    "echo-workers-2-vs-1",
    "msg/s",
    acc,
    null,
    "torsion echo on pp50x64: raw column = --workers 1, torsion column = --workers 2 (ratio = speed-up; 2 cores, one taken by the load generator); CPU summed over primary and workers",
  );
}

async function portforwardBench(ctx: BenchContext, loadgen: string): Promise<Result[]> {
  const out: Result[] = [];
  const echoPort = await freeTcpPort();
  const echo = await started(ctx, pinned(ctx.config.loadgenCpu, [...ctx.config.rawEchoCmd, String(echoPort)]), echoPort, 0);
  try {
    const accs: Record<string, Acc> = { pp50x64: { raw: [], torsion: [] }, stream10x64k: { raw: [], torsion: [] } };
    for (let round = 0; round < ctx.config.rounds; round++) {
      for (const side of round % 2 === 0 ? SIDES : [...SIDES].reverse()) {
        const port = await freeTcpPort();
        const argv =
          side === "raw"
            ? [process.execPath, benchScript("servers/raw-net-proxy.js"), String(port), String(echoPort)]
            : [
                process.execPath,
                TORSION_BIN,
                "portforward",
                "--port",
                `tcp:${port}:interface=127.0.0.1`,
                "--dest",
                `tcp:127.0.0.1:${echoPort}`,
              ];
        let proxy: ServerProcess | null = null;
        try {
          proxy = await started(ctx, pinned(ctx.config.serverCpu, argv), port, 0);
          for (const wl of Object.keys(accs)) {
            const r = await load(ctx, loadgen, wl, port, proxy.pid, false);
            ctx.log(
              `r${round + 1} ${side === "raw" ? "raw proxy" : "portforward"} ${wl} ${r.ok ? `${r.value?.toFixed(0) ?? "-"} cpu=${r.cpuUsPerOp?.toFixed(1) ?? "-"}us/op` : "FAIL"}`,
            );
            accs[wl]![side].push(r);
          }
        } catch (e) {
          for (const wl of Object.keys(accs))
            accs[wl]![side].push({ ok: false, value: null, cpuUsPerOp: null, error: e instanceof Error ? e.message : String(e) });
        } finally {
          await proxy?.stop();
        }
      }
    }
    out.push(
      ...toResult(
        "portforward",
        "portforward-pp50x64",
        "msg/s",
        accs.pp50x64!,
        { op: ">=", value: 1.0 },
        "raw = a raw node:net proxy (stream.pipe); both in front of the raw node:net echo server",
      ),
    );
    out.push(
      ...toResult(
        "portforward",
        "portforward-stream10x64k",
        "MB/s",
        accs.stream10x64k!,
        { op: ">=", value: 1.0 },
        "raw = a raw node:net proxy (stream.pipe)",
      ),
    );
  } finally {
    await echo.stop();
  }
  return out;
}

/** Runs the selected CLI rows (`cli-workers`, `portforward`). */
export async function runCliBench(ctx: BenchContext, loadgen: string | null, skipReason: string): Promise<Result[]> {
  const want = (w: "cli-workers" | "portforward"): boolean => ctx.config.workloads.has(w);
  if (loadgen === null) return [skipped("cli", "cli", "msg/s", null, skipReason)];
  const results: Result[] = [];
  if (want("cli-workers")) results.push(...(await workersBench(ctx, loadgen)));
  if (want("portforward")) results.push(...(await portforwardBench(ctx, loadgen)));
  return results;
}
