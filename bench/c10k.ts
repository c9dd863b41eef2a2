/**
 * C10K: C10K_CONNS (10,000) concurrent TCP connections to one server, each sending a 64 B
 * message per second (send times spread over the second), raw node:net against Torsion in
 * the same run, rounds interleaved. Per server: RSS per connection (VmRSS with the
 * connections open minus VmRSS once listening, KiB), CPU % over the measured window
 * (/proc/PID/stat, all threads) and the echo latency p50/p99 as the client sees it.
 * The client is bench/clients/c10k-client.ts on the load generator's CPU; both processes
 * get their open-file limit raised with prlimit when the soft limit is too low (to the
 * hard limit at most; fewer connections, with a note, if even that is too low).
 * Knobs: C10K_CONNS (10000; 200 in smoke mode), C10K_WARM (2 s; 0.1 s in smoke mode), C10K_DUR (5 s; 0.3 s in
 * smoke mode), C10K_ROUNDS (1).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { BenchContext } from "./lib/context.js";
import type { Side } from "./lib/config.js";
import { benchScript } from "./lib/paths.js";
import { freeTcpPort, pinned, ServerProcess, statusKb, waitForListening } from "./lib/proc.js";
import { makeResult, sideStats, skipped, type Result, type SideStats } from "./lib/result.js";

const CLK_TCK = 100;

/** One round's figures for one server. */
export interface C10kSample {
  readonly round: number;
  readonly side: Side;
  readonly ok: boolean;
  readonly conns: number;
  readonly rssPerConnKiB: number | null;
  readonly cpuPct: number | null;
  readonly p50Us: number | null;
  readonly p99Us: number | null;
  readonly late: number;
  readonly error?: string;
}

function cpuTicks(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Soft and hard open-file limits of a shell started here. */
function fdLimits(): { soft: number; hard: number } {
  const r = spawnSync("sh", ["-c", "ulimit -Sn; ulimit -Hn"], { encoding: "utf8" });
  const [soft, hard] = r.stdout
    .trim()
    .split("\n")
    .map((l) => (l === "unlimited" ? Infinity : Number(l)));
  return { soft: soft ?? 1024, hard: hard ?? 1024 };
}

/** argv with the open-file limit raised to `need` when the soft limit is below it. */
function withFdLimit(argv: readonly string[], need: number, limits: { soft: number; hard: number }): string[] {
  if (limits.soft >= need) return [...argv];
  return ["prlimit", `--nofile=${need}:${Math.max(need, limits.hard === Infinity ? need : limits.hard)}`, ...argv];
}

async function once(
  ctx: BenchContext,
  side: Side,
  round: number,
  conns: number,
  need: number,
  limits: { soft: number; hard: number },
): Promise<C10kSample> {
  const { config } = ctx;
  const warm = Number(process.env.C10K_WARM ?? (config.smoke ? "0.1" : "2"));
  const dur = Number(process.env.C10K_DUR ?? (config.smoke ? "0.3" : "5"));
  const port = await freeTcpPort();
  const cmd = side === "raw" ? config.rawEchoCmd : config.torsionEchoCmd;
  const server = new ServerProcess(withFdLimit(pinned(config.serverCpu, [...cmd, String(port)]), need, limits));
  let client: ServerProcess | null = null;
  const fail = (error: string): C10kSample => {
    ctx.fail(`FAIL c10k ${side} round ${round + 1}: ${error}`);
    return { round, side, ok: false, conns, rssPerConnKiB: null, cpuPct: null, p50Us: null, p99Us: null, late: 0, error };
  };
  try {
    await waitForListening({ host: "127.0.0.1", port }, server, 15_000);
    const rss0 = statusKb(server.pid, "VmRSS") ?? null;
    client = new ServerProcess(
      withFdLimit(
        pinned(config.loadgenCpu, [
          process.execPath,
          benchScript("clients/c10k-client.js"),
          String(port),
          String(conns),
          String(warm),
          String(dur),
        ]),
        need,
        limits,
      ),
    );
    await client.waitForOutput(/measure-start/, 90_000);
    const c0 = cpuTicks(server.pid);
    const t0 = process.hrtime.bigint();
    await client.waitForOutput(/measure-end/, (dur + 30) * 1000);
    const c1 = cpuTicks(server.pid);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const rss1 = statusKb(server.pid, "VmRSS") ?? null;
    const [line] = await client.waitForOutput(/\{.*\}/, 30_000);
    const j = JSON.parse(line) as {
      ok: boolean;
      conns: number;
      p50_us: number | null;
      p99_us: number | null;
      late: number;
      mismatches: number;
      errors: number;
    };
    if (!j.ok) return fail(`client: ${line}`);
    if (!server.alive) return fail("server died");
    return {
      round,
      side,
      ok: true,
      conns: j.conns,
      rssPerConnKiB: rss0 === null || rss1 === null ? null : (rss1 - rss0) / j.conns,
      cpuPct: c0 === null || c1 === null ? null : ((c1 - c0) / CLK_TCK / seconds) * 100,
      p50Us: j.p50_us,
      p99Us: j.p99_us,
      late: j.late,
    };
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  } finally {
    await client?.stop();
    await server.stop();
  }
}

/** Runs the C10K workload; four rows (RSS per connection, CPU %, p50, p99). */
export async function runC10kBench(ctx: BenchContext, sides: ReadonlySet<Side>): Promise<{ results: Result[]; samples: C10kSample[] }> {
  let conns = Math.round(Number(process.env.C10K_CONNS ?? (ctx.config.smoke ? "200" : "10000")));
  const limits = fdLimits();
  let note = "";
  if (limits.hard < conns + 256) {
    note = `open-file hard limit ${limits.hard}: ${limits.hard - 256} connections instead of ${conns}`;
    conns = limits.hard - 256;
  }
  if (conns < 1) return { results: [skipped("c10k", "c10k", "KiB/conn", null, note)], samples: [] };
  const need = conns + 256;
  const rounds = Math.round(Number(process.env.C10K_ROUNDS ?? "1"));
  const samples: C10kSample[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const side of (round % 2 === 0 ? ["raw", "torsion"] : ["torsion", "raw"]) as Side[]) {
      if (!sides.has(side)) continue;
      const s = await once(ctx, side, round, conns, need, limits);
      ctx.log(
        `r${round + 1} ${side.padEnd(7)} c10k x${conns} ${s.ok ? `rss/conn=${s.rssPerConnKiB?.toFixed(1) ?? "-"}KiB cpu=${s.cpuPct?.toFixed(0) ?? "-"}% p50=${s.p50Us?.toFixed(0) ?? "-"}us p99=${s.p99Us?.toFixed(0) ?? "-"}us late=${s.late}` : "FAIL"}`,
      );
      samples.push(s);
    }
  }
  const stat = (side: Side, pick: (s: C10kSample) => number | null): SideStats => {
    const mine = samples.filter((s) => s.side === side);
    const good = mine
      .filter((s) => s.ok)
      .flatMap((s) => {
        const v = pick(s);
        return v === null ? [] : [v];
      });
    return sideStats(good, mine.filter((s) => !s.ok).length, {
      errors: mine.flatMap((s) => (s.error === undefined ? [] : [s.error])).slice(0, 3),
    });
  };
  const lateAll = samples.reduce((n, s) => n + s.late, 0);
  const base = `${conns} connections x 1 msg/s of 64 B${note === "" ? "" : `; ${note}`}${lateAll > 0 ? `; ${lateAll} sends skipped (previous echo not back)` : ""}`;
  const row = (
    workload: string,
    unit: string,
    pick: (s: C10kSample) => number | null,
    target: { op: "<="; value: number } | null,
    text: string,
  ): Result => ({
    ...makeResult("c10k", workload, unit, stat("raw", pick), stat("torsion", pick), target, text),
    lowerIsBetter: true,
  });
  return {
    results: [
      row(
        "c10k-rss-per-conn",
        "KiB/conn",
        (s) => s.rssPerConnKiB,
        { op: "<=", value: 1.0 },
        `server VmRSS growth per open connection; ${base}`,
      ),
      row("c10k-cpu", "cpu %", (s) => s.cpuPct, null, "server CPU, % of one core, over the measured window"),
      row("c10k-p50", "us", (s) => s.p50Us, null, "echo latency seen by the client (a Node process)"),
      row("c10k-p99", "us", (s) => s.p99Us, null, "echo latency seen by the client (a Node process)"),
    ],
    samples,
  };
}
