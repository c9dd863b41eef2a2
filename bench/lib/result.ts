/**
 * The result model shared by every benchmark (including `bench/framing`): one `Result`
 * per workload, comparing Torsion with a raw Node baseline measured in the same run.
 */

/** A pass criterion on the ratio Torsion / raw. `aim` is a stretch goal, printed only. */
export interface Target {
  readonly op: ">=" | "<=";
  readonly value: number;
  readonly aim?: number;
}

/**
 * `pass`/`miss` against the target; `info` = measured, no target; `FAIL` = a run failed
 * (bad bytes, crash, timeout); `skip` = nothing to compare.
 */
export type Status = "pass" | "miss" | "info" | "FAIL" | "skip";

/** What one side (raw or Torsion) measured over all rounds. */
export interface SideStats {
  /** Median of the successful rounds, or `null` when none succeeded. */
  readonly median: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** One figure per successful round, in round order. */
  readonly samples: readonly number[];
  /** Rounds that failed (verification, exit status, timeout, server death). */
  readonly failures: number;
  /** Median server CPU per operation, microseconds, when known. */
  readonly cpuUsPerOp?: number | null;
  /** Median server peak RSS (VmHWM) in MiB, when known. */
  readonly peakRssMiB?: number | null;
  /** Median latency p50 in microseconds, when known. */
  readonly p50Us?: number | null;
  /** Why rounds failed (first few messages). */
  readonly errors?: readonly string[];
}

/** One line of the summary table. */
export interface Result {
  /** Benchmark family: `echo-tcp`, `echo-unix`, `idle-rss`, `udp`, `framing`, ... */
  readonly group: string;
  /** Workload name, e.g. `pp50x64`. */
  readonly workload: string;
  /** Unit of `raw`/`torsion`, e.g. `msg/s`, `MB/s`, `MiB`. */
  readonly unit: string;
  readonly raw: SideStats;
  readonly torsion: SideStats;
  /** Torsion median / raw median. */
  readonly ratio: number | null;
  readonly target: Target | null;
  readonly status: Status;
  /** Free text: skips, losses, warnings. */
  readonly note?: string;
  /** Reference servers measured in the same run (e.g. `onread`, `uvloop`), by name. */
  readonly refs?: Readonly<Record<string, SideStats>>;
  /** The figure is a cost (memory, latency, CPU): lower is better. Guessed from the unit when absent. */
  readonly lowerIsBetter?: boolean;
}

/** Median of a non-empty list, else `null`. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Summarises one side from per-round figures (failures counted separately). */
export function sideStats(samples: readonly number[], failures: number, extra: Partial<SideStats> = {}): SideStats {
  return {
    median: median(samples),
    min: samples.length > 0 ? Math.min(...samples) : null,
    max: samples.length > 0 ? Math.max(...samples) : null,
    samples,
    failures,
    ...extra,
  };
}

/** Judges a ratio against its target. Any failed round makes the line `FAIL`. */
export function judge(raw: SideStats, torsion: SideStats, target: Target | null): { ratio: number | null; status: Status } {
  const ratio = raw.median !== null && torsion.median !== null && raw.median > 0 ? torsion.median / raw.median : null;
  if (raw.failures > 0 || torsion.failures > 0) return { ratio, status: "FAIL" };
  if (ratio === null) return { ratio, status: "skip" };
  if (target === null) return { ratio, status: "info" };
  const ok = target.op === ">=" ? ratio >= target.value : ratio <= target.value;
  return { ratio, status: ok ? "pass" : "miss" };
}

/** Builds a `Result` from both sides. */
export function makeResult(
  group: string,
  workload: string,
  unit: string,
  raw: SideStats,
  torsion: SideStats,
  target: Target | null,
  note?: string,
): Result {
  const { ratio, status } = judge(raw, torsion, target);
  return { group, workload, unit, raw, torsion, ratio, target, status, ...(note === undefined ? {} : { note }) };
}

/**
 * `result` with `ratio` (e.g. the median of per-round ratios, steadier on this machine than
 * the ratio of medians) in place of its ratio, its status judged again against its target.
 */
export function withRatio(result: Result, ratio: number | null): Result {
  if (result.status === "FAIL" || result.status === "skip" || result.target === null || ratio === null) return result;
  const ok = result.target.op === ">=" ? ratio >= result.target.value : ratio <= result.target.value;
  return { ...result, ratio, status: ok ? "pass" : "miss" };
}

/** A result for a workload that could not run at all. */
export function skipped(group: string, workload: string, unit: string, target: Target | null, note: string): Result {
  const none = sideStats([], 0);
  return { group, workload, unit, raw: none, torsion: none, ratio: null, target, status: "skip", note };
}
