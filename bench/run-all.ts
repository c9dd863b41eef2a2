/**
 * `npm run bench`: every Torsion benchmark against a raw Node baseline measured in the
 * same run, then one summary table and a JSON file in bench/results/.
 *
 * Knobs (environment): ROUNDS (3), DUR (3 s measured), WARM (1 s warm-up), WORKLOADS
 * (space/comma list, default all), SERVER_CPU (1), LOADGEN_CPU (0), IDLE_CONNS (1000),
 * RAW_ECHO_CMD / TORSION_ECHO_CMD / RAW_UDP_CMD / TORSION_UDP_CMD (argv overrides).
 * Progress goes to stderr; the tables go to stdout.
 * Exit status: 0 when no run failed (misses against targets are reported, not fatal),
 * 1 when any run FAILED (verification, crash, timeout), 2 on a usage error.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runEchoBench } from "./echo.js";
import { runIdleRssBench } from "./idle-rss.js";
import { runUdpBench } from "./udp.js";
import { buildLoadgen, buildUdpgen } from "./lib/c-tools.js";
import { loadConfig, type BenchConfig, type Side } from "./lib/config.js";
import type { BenchContext } from "./lib/context.js";
import { runFramingIfPresent } from "./lib/framing-loader.js";
import { exists, RESULTS_DIR } from "./lib/paths.js";
import { hasTaskset, killAllServers } from "./lib/proc.js";
import type { Result } from "./lib/result.js";
import { detailTable, notesText, summaryTable } from "./lib/table.js";

const started = Date.now();
const log = (m: string): void => {
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${m}\n`);
};
const fail = (m: string): void => {
  process.stderr.write(`\n!!!!! ${m}\n\n`);
};

/** Which sides can run: Torsion only once its server script has been built. */
function availableSides(torsionCmd: readonly string[], what: string): { sides: Set<Side>; note: string } {
  const missing = torsionCmd.filter((a) => a.endsWith(".js") && !exists(a));
  if (missing.length === 0) return { sides: new Set<Side>(["raw", "torsion"]), note: "" };
  const note = `Torsion ${what} not built (${missing.join(", ")}); raw baseline only`;
  fail(`SKIP Torsion ${what}: ${note}`);
  return { sides: new Set<Side>(["raw"]), note };
}

function installCleanup(tmpDir: string): void {
  const cleanup = (): void => {
    killAllServers();
    rmSync(tmpDir, { recursive: true, force: true });
  };
  process.on("exit", cleanup);
  for (const sig of ["SIGINT", "SIGTERM"] as const)
    process.on(sig, () => {
      cleanup();
      process.exit(130);
    });
}

function meta(config: BenchConfig): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    kernel: os.release(),
    rounds: config.rounds,
    durS: config.dur,
    warmS: config.warm,
    workloads: [...config.workloads],
    pinning: hasTaskset() ? { serverCpu: config.serverCpu, loadgenCpu: config.loadgenCpu } : "taskset unavailable: not pinned",
    idleConns: config.idleConns,
    commands: {
      rawEcho: config.rawEchoCmd,
      torsionEcho: config.torsionEchoCmd,
      rawUdp: config.rawUdpCmd,
      torsionUdp: config.torsionUdpCmd,
    },
  };
}

async function runEverything(ctx: BenchContext): Promise<{ results: Result[]; samples: Record<string, unknown> }> {
  const { config } = ctx;
  const echoSides = availableSides(config.torsionEchoCmd, "echo server");
  const udpSides = availableSides(config.torsionUdpCmd, "UDP echo server");
  const loadgen = await buildLoadgen();
  const echo = await runEchoBench(ctx, loadgen.ok ? loadgen.path : null, loadgen.ok ? "" : loadgen.reason, echoSides.sides);
  const idle = await runIdleRssBench(ctx, echoSides.sides, echoSides.note);
  const udpgen =
    config.workloads.has("udp64") || config.workloads.has("udp1k") ? await buildUdpgen() : { ok: false as const, reason: "not selected" };
  const udp = await runUdpBench(ctx, udpgen.ok ? udpgen.path : null, udpgen.ok ? "" : udpgen.reason, udpSides.sides);
  const framing = config.workloads.has("framing") ? await runFramingIfPresent(log) : [];
  const withNote = (rs: Result[], note: string): Result[] =>
    note === "" ? rs : rs.map((r) => ({ ...r, note: r.note === undefined ? note : `${r.note}; ${note}` }));
  return {
    results: [
      ...withNote(echo.results, echoSides.note),
      ...withNote(idle.results, echoSides.note),
      ...withNote(udp.results, udpSides.note),
      ...framing,
      ...(await (await import("./amp.js")).runAmpBench(ctx)),
      ...(await (await import("./process.js")).runProcessBench(ctx)),
      ...(await (await import("./threads.js")).runThreadsBench(ctx)),
      ...(await (await import("./tls.js")).runTLSBench(ctx)),
      ...(await (await import("./memcache.js")).runMemcacheBench(ctx)),
      ...(await (await import("./amqp.js")).runAmqpBench(ctx)),
      ...(await (await import("./redis.js")).runRedisBench(ctx)),
    ],
    samples: { echo: echo.samples, idle: idle.samples, udp: udp.samples },
  };
}

const loadAtStart = os.loadavg();

function loadLine(): string {
  const fmt = (l: number[]): string => l.map((x) => x.toFixed(2)).join(" ");
  return `load average at start ${fmt(loadAtStart)}, at end ${fmt(os.loadavg())} (${os.cpus().length} CPUs; this run itself adds ~1.5-2)`;
}

function report(config: BenchConfig, results: readonly Result[], samples: Record<string, unknown>): string {
  const out = [
    "",
    `Torsion benchmarks: ${config.rounds} round(s), ${config.warm} s warm-up + ${config.dur} s measured, medians; ratio = Torsion / raw Node in this run`,
    loadLine(),
    "",
    summaryTable(results),
    "",
    detailTable(results),
    "",
    notesText(results),
  ].join("\n");
  process.stdout.write(`${out}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const file = path.join(RESULTS_DIR, `${stamp}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ meta: { ...meta(config), elapsedS: (Date.now() - started) / 1000, loadAvgStart: loadAtStart, loadAvgEnd: os.loadavg() }, results, samples }, null, 2)}\n`,
  );
  return file;
}

async function main(): Promise<void> {
  let config: BenchConfig;
  try {
    config = loadConfig();
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), "torsion-bench-"));
  installCleanup(tmpDir);
  if (!hasTaskset()) fail("taskset not available: servers and load generators are NOT pinned to CPUs");
  log(`rounds=${config.rounds} warm=${config.warm}s dur=${config.dur}s workloads=${[...config.workloads].join(" ")}`);
  const { results, samples } = await runEverything({ config, tmpDir, log, fail });
  const file = report(config, results, samples);
  log(`wrote ${file}`);
  const failed = results.filter((r) => r.status === "FAIL");
  if (failed.length > 0) {
    fail(`FAIL: ${failed.map((r) => r.workload).join(", ")} (see the notes above)`);
    process.exitCode = 1;
  }
}

await main();
