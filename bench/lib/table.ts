/**
 * Plain-text tables for the summary: the verdict table (workload, raw, Torsion, ratio,
 * target, status) and a detail table (spread, server CPU per operation, peak RSS, p50).
 */
import type { Result, SideStats, Target } from "./result.js";

/** Formats a figure: thousands separators for large values, a few decimals for small. */
export function fmtNum(v: number | null | undefined): string {
  if (v === null || v === undefined) return "-";
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function fmtTarget(t: Target | null): string {
  if (t === null) return "-";
  return `${t.op} ${t.value.toFixed(2)}${t.aim === undefined ? "" : ` (aim ${t.aim})`}`;
}

function fmtRatio(r: number | null): string {
  return r === null ? "-" : `x${r.toFixed(2)}`;
}

function spread(s: SideStats): string {
  if (s.min === null || s.max === null || s.median === null || s.median === 0) return "-";
  return `${fmtNum(s.min)}-${fmtNum(s.max)} (${(((s.max - s.min) / s.median) * 100).toFixed(0)}%)`;
}

function withFailures(s: SideStats): string {
  return s.failures > 0 ? `${fmtNum(s.median)} [${s.failures} FAILED]` : fmtNum(s.median);
}

/** Renders rows as an aligned text table with a header rule. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The verdict table. */
export function summaryTable(results: readonly Result[]): string {
  const header = ["workload", "unit", "raw", "torsion", "ratio", "target", "status"];
  const rows = results.map((r) => [
    r.workload,
    r.unit,
    withFailures(r.raw),
    withFailures(r.torsion),
    fmtRatio(r.ratio),
    fmtTarget(r.target),
    r.status,
  ]);
  return renderTable(header, rows);
}

/** The detail table: spread over rounds, server CPU us/op, peak RSS, latency p50. */
export function detailTable(results: readonly Result[]): string {
  const header = ["workload", "raw min-max", "torsion min-max", "cpu us/op raw/tor", "peak RSS MiB raw/tor", "p50 us raw/tor"];
  const pair = (a: number | null | undefined, b: number | null | undefined): string =>
    a == null && b == null ? "-" : `${fmtNum(a)} / ${fmtNum(b)}`;
  const rows = results.map((r) => [
    r.workload,
    spread(r.raw),
    spread(r.torsion),
    pair(r.raw.cpuUsPerOp, r.torsion.cpuUsPerOp),
    pair(r.raw.peakRssMiB, r.torsion.peakRssMiB),
    pair(r.raw.p50Us, r.torsion.p50Us),
  ]);
  return renderTable(header, rows);
}

/** Notes and failure reasons, one line each. */
export function notesText(results: readonly Result[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.note !== undefined) lines.push(`- ${r.workload}: ${r.note}`);
    for (const [side, s] of [
      ["raw", r.raw],
      ["torsion", r.torsion],
    ] as const) {
      const counts = new Map<string, number>();
      for (const e of s.errors ?? []) counts.set(e, (counts.get(e) ?? 0) + 1);
      for (const [e, n] of counts) lines.push(`- ${r.workload} ${side} FAILED${n > 1 ? ` (x${n})` : ""}: ${e}`);
    }
  }
  return lines.join("\n");
}

/**
 * The issue-16-style table: each row that has reference servers, with every server side by
 * side: throughput rows as ratios to raw node:net, cost rows (CPU, memory) as absolute figures.
 */
export function referenceTable(results: readonly Result[]): string {
  const withRefs = results.filter((r) => r.refs !== undefined);
  if (withRefs.length === 0) return "";
  const names = [...new Set(withRefs.flatMap((r) => Object.keys(r.refs ?? {})))];
  const header = ["workload", "unit", "raw", "torsion", ...names];
  const rows = withRefs.map((r) => {
    const base = r.raw.median;
    const show = (m: number | null | undefined): string => {
      if (m == null) return "-";
      if (r.lowerIsBetter === true) return fmtNum(m);
      return base === null || base === 0 ? "-" : `x${(m / base).toFixed(2)}`;
    };
    return [
      r.workload,
      r.lowerIsBetter === true ? r.unit : "x raw",
      show(r.raw.median),
      show(r.torsion.median),
      ...names.map((n) => show(r.refs?.[n]?.median)),
    ];
  });
  return renderTable(header, rows);
}
