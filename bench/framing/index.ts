/**
 * The framing benchmarks: `runFramingBench()` (called by `npm run bench` through
 * bench/lib/framing-loader) and, when run directly (`node bench/dist/framing/index.js`),
 * a printed table. Knob: FRAMING_ROUNDS (or ROUNDS), default 5.
 */
import { pathToFileURL } from "node:url";
import type { Result } from "../lib/result.js";
import { runInt32Bench } from "./int32-bench.js";
import { runLineBench } from "./line-bench.js";
import { runLongLineBench } from "./long-line-bench.js";

/** Runs the three framing benchmarks in turn and returns one Result per comparison. */
export async function runFramingBench(): Promise<Result[]> {
  return [...(await runLineBench()), ...(await runInt32Bench()), ...(await runLongLineBench())];
}

function format(value: number | null): string {
  if (value === null) return "-";
  if (value >= 1000) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(3);
}

/** Prints the results as a plain table on stdout. */
export function printFramingTable(results: readonly Result[]): void {
  const rows = results.map((r) => [
    r.workload,
    r.unit,
    format(r.raw.median),
    format(r.torsion.median),
    r.ratio === null ? "-" : `x${r.ratio.toFixed(2)}`,
    r.target === null ? "-" : `${r.target.op} ${r.target.value}`,
    r.status,
  ]);
  const header = ["workload", "unit", "baseline", "torsion", "ratio", "target", "status"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ");
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => "-".repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  for (const r of results) if (r.note !== undefined) process.stdout.write(`- ${r.workload}: ${r.note}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printFramingTable(await runFramingBench());
}
