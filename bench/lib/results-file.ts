/**
 * Writing one run's results to bench/results/: `<stamp>.json` (everything, as before),
 * `<stamp>.jsonl` (one JSON object per line: a `meta` line, one `row` line per result and
 * one `round` line per measured round) and `<stamp>.md` (the summary as a markdown table).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Result } from "./result.js";
import { fmtNum } from "./table.js";

/** The files written for one run. */
export interface WrittenFiles {
  readonly json: string;
  readonly jsonl: string;
  readonly markdown: string;
}

/** `20261202T043300Z` for a date. */
export function stampOf(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

/** The JSON lines of a run: meta first, then every row, then every round sample. */
export function toJsonLines(meta: Record<string, unknown>, results: readonly Result[], samples: Record<string, unknown>): string {
  const lines: unknown[] = [{ type: "meta", ...meta }];
  for (const r of results) lines.push({ type: "row", ...r });
  for (const [bench, list] of Object.entries(samples))
    if (Array.isArray(list)) for (const s of list as unknown[]) lines.push({ type: "round", bench, ...(s as Record<string, unknown>) });
  return `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;
}

const cell = (s: string): string => s.replace(/\|/g, "\\|");

/** The summary as a markdown table (one line per result, reference servers as ratios). */
export function toMarkdown(title: string, results: readonly Result[]): string {
  const refNames = [...new Set(results.flatMap((r) => Object.keys(r.refs ?? {})))];
  const header = ["workload", "unit", "raw", "torsion", "ratio", ...refNames.map((n) => `${n} ×`), "target", "status"];
  const rows = results.map((r) => {
    const refs = refNames.map((n) => {
      const m = r.refs?.[n]?.median;
      return m == null || r.raw.median == null || r.raw.median === 0 ? "-" : `×${(m / r.raw.median).toFixed(2)}`;
    });
    const target = r.target === null ? "-" : `${r.target.op} ${r.target.value}`;
    return [
      r.workload,
      r.unit,
      fmtNum(r.raw.median),
      fmtNum(r.torsion.median),
      r.ratio === null ? "-" : `×${r.ratio.toFixed(2)}`,
      ...refs,
      target,
      r.status,
    ];
  });
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(" | ")} |`;
  const notes = results.flatMap((r) => (r.note === undefined ? [] : [`- \`${r.workload}\`: ${r.note}`]));
  return [`# ${title}`, "", line(header), line(header.map(() => "---")), ...rows.map(line), "", ...notes, ""].join("\n");
}

/** Writes the three files into `dir` and returns their paths. */
export function writeResultFiles(
  dir: string,
  stamp: string,
  meta: Record<string, unknown>,
  results: readonly Result[],
  samples: Record<string, unknown>,
): WrittenFiles {
  mkdirSync(dir, { recursive: true });
  const files = {
    json: path.join(dir, `${stamp}.json`),
    jsonl: path.join(dir, `${stamp}.jsonl`),
    markdown: path.join(dir, `${stamp}.md`),
  };
  writeFileSync(files.json, `${JSON.stringify({ meta, results, samples }, null, 2)}\n`);
  writeFileSync(files.jsonl, toJsonLines(meta, results, samples));
  writeFileSync(files.markdown, toMarkdown(`Torsion benchmarks ${stamp}`, results));
  return files;
}
