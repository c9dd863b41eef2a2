/**
 * TLS: echo over TLS 1.3 (TLS_AES_128_GCM_SHA256) on loopback, Torsion's listenSSL server
 * against a raw node:tls echo server, the same node:tls load generator for both
 * (`lib/tls-load.ts`): ping-pong 50×64 B (msg/s, target ≥ 1.0×), streaming 10×64 KiB
 * (MB/s, target ≥ 1.0×), handshake churn (handshakes/s, target ≥ 0.95×), plus the Python
 * Twisted TLS echo server as a reference line (no target).
 *
 * Method (robust on a loaded machine): a fresh server process per load run, pinned like
 * the echo bench; the servers' runs interleaved round by round with the order rotated;
 * TLS_ROUNDS rounds (default the larger of ROUNDS and 5); medians. Next to each throughput
 * row, a `-cpu` row gives the server's CPU time per op (µs, `process.cpuUsage()` of the
 * server read at the edges of the measured window; Twisted: `getrusage`), which moves far
 * less than throughput when other work shares the cores. The note gives the median of the
 * per-round ratios too (each round's Torsion and raw runs are minutes apart at most).
 * Knobs: TLS_WARM (0.5 s), TLS_DUR (1.5 s), TLS_ROUNDS; TLS_TORSION_PEERS: another
 * build's tls-peers.js for the Torsion server (A/B of two builds). Smoke mode
 * (BENCH_SMOKE=1): both servers in the driver's process, a few ops each, no Twisted.
 * Test certificates are made with the openssl CLI in the bench's temp dir.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { NodeReactor } from "@torsion/reactor";
import type { BenchContext } from "./lib/context.js";
import { BENCH_DIR, benchScript } from "./lib/paths.js";
import { pinned, runCommand, ServerProcess } from "./lib/proc.js";
import { makeResult, median, sideStats, skipped, type Result } from "./lib/result.js";
import { runTLSLoad, startRawTLSServer, startTorsionTLSServer, type TLSWorkload } from "./lib/tls-load.js";

const PYTHON = "/usr/bin/python3";
interface PKI {
  readonly key: string;
  readonly cert: string;
  readonly ca: string;
}
type Server = "raw" | "torsion" | "twisted";
const WORKLOADS: readonly { name: TLSWorkload; unit: string; op: string; target: number; smokeCount: number }[] = [
  { name: "pp50x64", unit: "msg/s", op: "message", target: 1.0, smokeCount: 40 },
  { name: "stream10x64k", unit: "MB/s", op: "MB", target: 1.0, smokeCount: 1 },
  { name: "churn", unit: "handshakes/s", op: "handshake", target: 0.95, smokeCount: 2 },
];

/** A CA and a server certificate it signed (P-256), or in smoke mode one self-signed certificate (one openssl run). */
function certificates(dir: string, smoke: boolean): PKI {
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  if (smoke) {
    const san = "subjectAltName=DNS:localhost,IP:127.0.0.1";
    run([
      "req",
      "-x509",
      ...ec,
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-keyout",
      "tls-smoke.key",
      "-out",
      "tls-smoke.pem",
      "-addext",
      san,
    ]);
    return { key: path.join(dir, "tls-smoke.key"), cert: path.join(dir, "tls-smoke.pem"), ca: path.join(dir, "tls-smoke.pem") };
  }
  run([
    "req",
    "-x509",
    ...ec,
    "-days",
    "1",
    "-subj",
    "/CN=bench CA",
    "-keyout",
    "tls-ca.key",
    "-out",
    "tls-ca.pem",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
  ]);
  run(["req", ...ec, "-subj", "/CN=localhost", "-keyout", "tls-server.key", "-out", "tls-server.csr"]);
  writeFileSync(path.join(dir, "tls-server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  run([
    "x509",
    "-req",
    "-in",
    "tls-server.csr",
    "-CA",
    "tls-ca.pem",
    "-CAkey",
    "tls-ca.key",
    "-CAcreateserial",
    "-days",
    "1",
    "-out",
    "tls-server.pem",
    "-extfile",
    "tls-server.ext",
  ]);
  return { key: path.join(dir, "tls-server.key"), cert: path.join(dir, "tls-server.pem"), ca: path.join(dir, "tls-ca.pem") };
}

/** One measured run: throughput and server CPU µs per op (null when unknown). */
interface Sample {
  readonly value: number;
  readonly cpuUsPerOp: number | null;
}

function serverCommand(server: Server, pki: PKI): string[] {
  if (server === "twisted") return [PYTHON, path.join(BENCH_DIR, "servers", "tls_echo.py"), pki.key, pki.cert];
  const peers =
    server === "torsion" ? (process.env.TLS_TORSION_PEERS ?? benchScript("servers/tls-peers.js")) : benchScript("servers/tls-peers.js");
  return [process.execPath, peers, `${server}-server`, pki.key, pki.cert];
}

/** The server's CPU microseconds over the window: the two `cpu` lines it printed on SIGUSR2. */
async function windowCpuUs(proc: ServerProcess): Promise<number | null> {
  try {
    await proc.waitForOutput(/^cpu \d+\n[\s\S]*^cpu \d+\n/m, 2000);
  } catch {
    return null;
  }
  const readings = [...proc.output.matchAll(/^cpu (\d+)$/gm)].map((m) => Number(m[1]));
  return readings.length < 2 ? null : readings[1]! - readings[0]!;
}

async function once(ctx: BenchContext, server: Server, workload: TLSWorkload, pki: PKI, warm: number, dur: number): Promise<Sample> {
  const proc = new ServerProcess(pinned(ctx.config.serverCpu, serverCommand(server, pki)));
  try {
    const [, port] = await proc.waitForOutput(/listening (\d+)/, 10_000);
    const argv = [
      process.execPath,
      benchScript("servers/tls-peers.js"),
      "client",
      port!,
      pki.ca,
      workload,
      String(warm),
      String(dur),
      String(proc.pid),
    ];
    const result = await runCommand(pinned(ctx.config.loadgenCpu, argv), (warm + dur + 20) * 1000);
    const line = result.stdout.trim().split("\n").pop() ?? "";
    let parsed: { ops: number; seconds: number; errors: number } | null = null;
    try {
      parsed = JSON.parse(line) as { ops: number; seconds: number; errors: number };
    } catch {
      parsed = null;
    }
    if (result.code !== 0 || parsed?.errors !== 0 || !(parsed.ops > 0))
      throw new Error(`tls ${server} ${workload} failed: ${line} ${result.stderr.slice(-300)}`);
    const cpuUs = await windowCpuUs(proc);
    return { value: parsed.ops / parsed.seconds, cpuUsPerOp: cpuUs === null ? null : cpuUs / parsed.ops };
  } finally {
    await proc.stop();
  }
}

/** Median over rounds of Torsion / `base` measured in the same round. */
function pairedRatio(
  torsion: readonly (Sample | null)[],
  base: readonly (Sample | null)[],
  pick: (s: Sample) => number | null,
): number | null {
  const ratios: number[] = [];
  torsion.forEach((t, i) => {
    const b = base[i];
    const tv = t === null ? null : pick(t);
    const bv = b === null || b === undefined ? null : pick(b);
    if (tv !== null && bv !== null && bv > 0) ratios.push(tv / bv);
  });
  return median(ratios);
}

const values = (runs: readonly (Sample | null)[]): number[] => runs.filter((r): r is Sample => r !== null).map((r) => r.value);
const cpus = (runs: readonly (Sample | null)[]): number[] => runs.flatMap((r) => (r?.cpuUsPerOp == null ? [] : [r.cpuUsPerOp]));
const fmt = (v: number | null): string => (v === null ? "-" : `x${v.toFixed(2)}`);

/** The rows of one workload: throughput and server CPU per op, against `base`. */
function rowsOf(
  w: (typeof WORKLOADS)[number],
  base: "raw" | "twisted",
  runs: Record<Server, (Sample | null)[]>,
  failures: Record<Server, number>,
): Result[] {
  const suffix = base === "raw" ? "" : "-twisted";
  const what = base === "raw" ? "raw = node:tls echo server; same node:tls client" : "raw = Python Twisted 22.4 listenSSL echo (reference)";
  const paired = `per-round ratio median ${fmt(pairedRatio(runs.torsion, runs[base], (s) => s.value))}, cpu ${fmt(
    pairedRatio(runs.torsion, runs[base], (s) => s.cpuUsPerOp),
  )}`;
  const throughput = makeResult(
    "tls",
    `${w.name}${suffix}`,
    w.unit,
    sideStats(values(runs[base]), failures[base], { cpuUsPerOp: median(cpus(runs[base])) }),
    sideStats(values(runs.torsion), failures.torsion, { cpuUsPerOp: median(cpus(runs.torsion)) }),
    base === "raw" ? { op: ">=", value: w.target } : null,
    `${what}; ${paired}`,
  );
  const cpu = makeResult(
    "tls",
    `${w.name}${suffix}-cpu`,
    `server us/${w.op}`,
    sideStats(cpus(runs[base]), failures[base]),
    sideStats(cpus(runs.torsion), failures.torsion),
    null,
    "server CPU time (user + system) per op in the measured window; lower is better",
  );
  return [throughput, { ...cpu, lowerIsBetter: true }];
}

async function fullRun(ctx: BenchContext, pki: PKI): Promise<Result[]> {
  const warm = Number(process.env.TLS_WARM ?? "0.5");
  const dur = Number(process.env.TLS_DUR ?? "1.5");
  const rounds = Math.max(1, Math.round(Number(process.env.TLS_ROUNDS ?? String(Math.max(5, ctx.config.rounds)))));
  const twistedOk = spawnSync(PYTHON, ["-c", "import twisted.internet.ssl, OpenSSL"], { stdio: "ignore" }).status === 0;
  const servers: Server[] = twistedOk ? ["raw", "torsion", "twisted"] : ["raw", "torsion"];
  const results: Result[] = [];
  for (const w of WORKLOADS) {
    const runs: Record<Server, (Sample | null)[]> = { raw: [], torsion: [], twisted: [] };
    const failures: Record<Server, number> = { raw: 0, torsion: 0, twisted: 0 };
    for (let round = 0; round < rounds; round += 1) {
      for (let i = 0; i < servers.length; i += 1) {
        const server = servers[(i + round) % servers.length] as Server;
        try {
          const sample = await once(ctx, server, w.name, pki, warm, dur);
          runs[server][round] = sample;
          ctx.log(
            `tls ${w.name} round ${round + 1}/${rounds}: ${server} ${sample.value.toFixed(1)} ${w.unit} cpu=${sample.cpuUsPerOp?.toFixed(1) ?? "?"}us/${w.op}`,
          );
        } catch (error) {
          runs[server][round] = null;
          failures[server] += 1;
          ctx.fail(String(error));
        }
      }
    }
    results.push(...rowsOf(w, "raw", runs, failures));
    if (twistedOk) results.push(...rowsOf(w, "twisted", runs, failures));
  }
  if (!twistedOk)
    results.push(skipped("tls", "twisted", "msg/s", null, "python3-twisted or python3-openssl is missing: no Twisted reference"));
  return results;
}

/** Smoke mode: both servers in this process, a few ops per workload, no child processes. */
async function smokeRun(ctx: BenchContext, pki: PKI): Promise<Result[]> {
  const key = readFileSync(pki.key);
  const cert = readFileSync(pki.cert);
  const ca = readFileSync(pki.ca);
  const reactor = new NodeReactor({ installSignalHandlers: false });
  const raw = await startRawTLSServer(key, cert);
  const torsion = startTorsionTLSServer(reactor, key, cert);
  const results: Result[] = [];
  try {
    for (const w of WORKLOADS) {
      const runs: Record<"raw" | "torsion", number[]> = { raw: [], torsion: [] };
      const failures = { raw: 0, torsion: 0 };
      for (const [side, server] of [
        ["raw", raw],
        ["torsion", torsion],
      ] as const) {
        const outcome = await runTLSLoad(server.port, ca, w.name, { count: w.smokeCount });
        if (outcome.errors > 0 || outcome.ops <= 0) {
          failures[side] += 1;
          ctx.fail(`tls smoke ${w.name} ${side}: ${JSON.stringify(outcome)}`);
        } else runs[side].push(outcome.ops / outcome.seconds);
      }
      results.push(
        makeResult(
          "tls",
          w.name,
          w.unit,
          sideStats(runs.raw, failures.raw),
          sideStats(runs.torsion, failures.torsion),
          null,
          "smoke run: in-process, counted",
        ),
      );
    }
  } finally {
    await Promise.all([raw.close(), torsion.close()]);
  }
  return results;
}

export async function runTLSBench(ctx: BenchContext): Promise<Result[]> {
  if (process.env.WORKLOADS?.trim()) return [skipped("tls", "echo", "msg/s", null, "WORKLOADS selects other workloads")];
  let pki: PKI;
  try {
    pki = certificates(ctx.tmpDir, ctx.config.smoke);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [skipped("tls", "echo", "msg/s", null, "the openssl CLI is missing")];
    throw error;
  }
  return ctx.config.smoke ? smokeRun(ctx, pki) : fullRun(ctx, pki);
}
