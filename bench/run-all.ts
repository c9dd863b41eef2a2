/**
 * `npm run bench`: every Torsion benchmark against a raw Node baseline measured in the
 * same run, then one summary table and a JSON file in bench/results/.
 *
 * Knobs (environment): ROUNDS (3), DUR (3 s measured), WARM (1 s warm-up), WORKLOADS
 * (space/comma list, default all), SERVER_CPU (1), LOADGEN_CPU (0), IDLE_CONNS (1000),
 * RAW_ECHO_CMD / TORSION_ECHO_CMD / RAW_UDP_CMD / TORSION_UDP_CMD (argv overrides),
 * BENCH_SMOKE=1 (a fraction of a second per benchmark). `--compare FILE` prints the change
 * of every row against an earlier run (bench/results/*.jsonl or *.json).
 * Progress goes to stderr; the tables go to stdout; results to bench/results/<stamp>.{json,jsonl,md}.
 * Exit status: 0 when no run failed (misses against targets are reported, not fatal),
 * 1 when any run FAILED (verification, crash, timeout), 2 on a usage error.
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { compareRuns, compareTable, parseResults } from "./lib/compare.js";
import { loadConfig, type BenchConfig } from "./lib/config.js";
import type { BenchContext } from "./lib/context.js";
import { RESULTS_DIR } from "./lib/paths.js";
import { hasTaskset, killAllServers } from "./lib/proc.js";
import type { Result } from "./lib/result.js";
import { stampOf, writeResultFiles } from "./lib/results-file.js";
import { detailTable, notesText, referenceTable, summaryTable } from "./lib/table.js";
import { selectedBenches } from "./suite.js";

const started = Date.now();
const log = (m: string): void => {
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${m}\n`);
};
const fail = (m: string): void => {
  process.stderr.write(`\n!!!!! ${m}\n\n`);
};

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
  const results: Result[] = [];
  const samples: Record<string, unknown> = {};
  for (const bench of selectedBenches(ctx.config.workloads)) {
    const out = await bench.run(ctx);
    results.push(...out.results);
    if (out.samples !== undefined) samples[bench.name] = out.samples;
  }
  return { results, samples };
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
    ...(referenceTable(results) === ""
      ? []
      : ["Reference servers in the same run (throughput as x raw node:net; CPU and memory as measured):", referenceTable(results), ""]),
    notesText(results),
  ].join("\n");
  process.stdout.write(`${out}\n`);
  const runMeta = { ...meta(config), elapsedS: (Date.now() - started) / 1000, loadAvgStart: loadAtStart, loadAvgEnd: os.loadavg() };
  return writeResultFiles(RESULTS_DIR, stampOf(new Date()), runMeta, results, samples).jsonl;
}

/** `--compare FILE` from the command line, or null; throws on other arguments. */
function compareArg(argv: readonly string[]): string | null {
  if (argv.length === 0) return null;
  if (argv[0] === "--compare" && argv[1] !== undefined && argv.length === 2) return argv[1];
  throw new Error(`usage: run-all.js [--compare FILE], got ${argv.join(" ")}`);
}

async function main(): Promise<void> {
  let config: BenchConfig;
  let compareWith: string | null;
  let oldRows: ReturnType<typeof parseResults> = [];
  try {
    compareWith = compareArg(process.argv.slice(2));
    if (compareWith !== null) oldRows = parseResults(readFileSync(compareWith, "utf8"));
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
  log(`wrote ${file} (and .json, .md)`);
  if (compareWith !== null)
    process.stdout.write(
      `\nchange against ${compareWith}:\n${compareTable(compareRuns(oldRows, parseResults(readFileSync(file, "utf8"))))}\n`,
    );
  const failed = results.filter((r) => r.status === "FAIL");
  if (failed.length > 0) {
    fail(`FAIL: ${failed.map((r) => r.workload).join(", ")} (see the notes above)`);
    process.exitCode = 1;
  }
}

await main();
