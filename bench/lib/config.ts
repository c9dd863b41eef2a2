/**
 * The benchmark knobs, read once from the environment:
 * `ROUNDS`, `DUR`, `WARM`, `WORKLOADS`, `SERVER_CPU`, `LOADGEN_CPU`, `IDLE_CONNS`, `BENCH_SMOKE`,
 * and command overrides `RAW_ECHO_CMD`, `TORSION_ECHO_CMD`, `RAW_UDP_CMD`, `TORSION_UDP_CMD`
 * (space-separated argv; the port or socket path is appended as the last argument).
 */
import { benchScript, TORSION_ECHO_JS } from "./paths.js";

/** Every workload, in run order. */
export const ALL_WORKLOADS = [
  "pp1x64",
  "pp50x64",
  "pp50x1k",
  "stream10x64k",
  "churn10",
  "churn10-unix",
  "pp50x64-unix",
  "stream10x64k-unix",
  "idle1000",
  "udp64",
  "udp1k",
  "c10k",
  "cli-workers",
  "portforward",
  "framing",
  "amp",
  "process",
  "threads",
  "defer",
  "tls",
  "memcache",
  "amqp",
  "redis",
] as const;

/** A workload name. */
export type WorkloadName = (typeof ALL_WORKLOADS)[number];

/** Resolved settings of one benchmark run. */
export interface BenchConfig {
  /** Rounds per workload. @default 3 */
  readonly rounds: number;
  /** Measured seconds per load run. @default 3 */
  readonly dur: number;
  /** Warm-up seconds per load run (not measured). @default 1 */
  readonly warm: number;
  /** Workloads to run. @default all of ALL_WORKLOADS */
  readonly workloads: ReadonlySet<WorkloadName>;
  /** CPU list for servers (taskset); "" disables pinning. @default "1" */
  readonly serverCpu: string;
  /** CPU list for load generators; "" disables pinning. @default "0" */
  readonly loadgenCpu: string;
  /** Connections of the idle-RSS benchmark. @default 1000 */
  readonly idleConns: number;
  readonly rawEchoCmd: readonly string[];
  readonly torsionEchoCmd: readonly string[];
  readonly rawUdpCmd: readonly string[];
  readonly torsionUdpCmd: readonly string[];
  /**
   * Smoke mode (`BENCH_SMOKE=1`): one round of a fraction of a second per load run and small
   * counts everywhere, only to check that every benchmark still produces a figure.
   * @default false
   */
  readonly smoke: boolean;
}

/** Environment defaults that smoke mode gives the benchmarks reading their own knobs. */
export const SMOKE_ENV: Readonly<Record<string, string>> = {
  TLS_WARM: "0",
  TLS_DUR: "0.2",
  AMP_WARM: "0.05",
  AMP_DUR: "0.2",
  MEMCACHE_OPS: "400",
  REDIS_PIPELINE: "2000",
  REDIS_SEQUENTIAL: "100",
  FRAMING_ROUNDS: "1",
};

function num(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max)
    throw new Error(`${name} must be a number in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  return v;
}

function cmd(name: string, fallback: readonly string[]): readonly string[] {
  const raw = process.env[name]?.trim();
  return raw ? raw.split(/\s+/) : fallback;
}

function workloads(): ReadonlySet<WorkloadName> {
  const raw = process.env.WORKLOADS?.trim();
  if (!raw) return new Set(ALL_WORKLOADS);
  const wanted = raw.split(/[\s,]+/);
  const known = new Set<string>(ALL_WORKLOADS);
  const bad = wanted.filter((w) => !known.has(w));
  if (bad.length > 0) throw new Error(`unknown workload(s) ${bad.join(", ")}; known: ${ALL_WORKLOADS.join(" ")}`);
  return new Set(wanted as WorkloadName[]);
}

/** Reads the environment; throws a clear error on a bad value. */
export function loadConfig(): BenchConfig {
  const smoke = process.env.BENCH_SMOKE === "1";
  if (smoke) for (const [k, v] of Object.entries(SMOKE_ENV)) process.env[k] ??= v;
  return {
    rounds: Math.round(num("ROUNDS", smoke ? 1 : 3, 1, 50)),
    dur: num("DUR", smoke ? 0.1 : 3, 0.05, 60),
    warm: num("WARM", smoke ? 0 : 1, 0, 30),
    workloads: workloads(),
    serverCpu: process.env.SERVER_CPU ?? "1",
    loadgenCpu: process.env.LOADGEN_CPU ?? "0",
    idleConns: Math.round(num("IDLE_CONNS", smoke ? 50 : 1000, 1, 10000)),
    rawEchoCmd: cmd("RAW_ECHO_CMD", [process.execPath, benchScript("servers/raw-net-echo.js")]),
    torsionEchoCmd: cmd("TORSION_ECHO_CMD", [process.execPath, TORSION_ECHO_JS]),
    rawUdpCmd: cmd("RAW_UDP_CMD", [process.execPath, benchScript("servers/raw-dgram-echo.js")]),
    torsionUdpCmd: cmd("TORSION_UDP_CMD", [process.execPath, benchScript("servers/torsion-udp-echo.js")]),
    smoke,
  };
}

/** The two contenders; the order is rotated every round. */
export type Side = "raw" | "torsion";

/** `["raw","torsion"]` rotated by `round` (0-based), so order drift hits both alike. */
export function sidesForRound(round: number): Side[] {
  return round % 2 === 0 ? ["raw", "torsion"] : ["torsion", "raw"];
}
