/**
 * `npm run bench -- --compare FILE`: the change of every row of this run against an
 * earlier one, so a regression shows as a number. Reads both result formats written to
 * bench/results/ (`.jsonl` row lines, or the `.json` file's `results` array).
 */
import type { Result } from "./result.js";
import { fmtNum, renderTable } from "./table.js";

/** The figures of one row that a comparison looks at. */
export interface RowFigures {
  readonly key: string;
  readonly unit: string;
  readonly raw: number | null;
  readonly torsion: number | null;
  readonly ratio: number | null;
  readonly lowerIsBetter: boolean;
}

/** One row's change from the old run to the new one. */
export interface RowChange {
  readonly key: string;
  readonly unit: string;
  readonly old: RowFigures | null;
  readonly new: RowFigures | null;
  /** new Torsion / old Torsion. */
  readonly torsionChange: number | null;
  /** new ratio / old ratio (the ratio to raw Node in each run). */
  readonly ratioChange: number | null;
  /** `worse`/`better` when the ratio moved by at least the threshold, else `same`; `new`/`gone` for unmatched rows. */
  readonly verdict: "worse" | "better" | "same" | "new" | "gone" | "-";
}

const COST_UNIT = /^(MiB|KiB|us|µs|ms|cpu)(\b|$)/i;

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function median(side: unknown): number | null {
  return typeof side === "object" && side !== null ? num((side as Record<string, unknown>).median) : null;
}

/** The comparable figures of a result (or of a loosely typed row read from a file). */
export function figuresOf(row: Partial<Result> | Record<string, unknown>): RowFigures | null {
  const r = row as Record<string, unknown>;
  if (typeof r.workload !== "string") return null;
  const unit = typeof r.unit === "string" ? r.unit : "";
  const group = typeof r.group === "string" ? r.group : "";
  return {
    key: group === "" ? r.workload : `${group}/${r.workload}`,
    unit,
    raw: median(r.raw),
    torsion: median(r.torsion),
    ratio: num(r.ratio),
    lowerIsBetter: typeof r.lowerIsBetter === "boolean" ? r.lowerIsBetter : COST_UNIT.test(unit),
  };
}

/** Parses a results file (`.jsonl` or `.json`) into rows; throws a clear error on anything else. */
export function parseResults(text: string): RowFigures[] {
  const trimmed = text.trim();
  let doc: unknown = undefined;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    // not one document: JSON lines
  }
  let rows: unknown[];
  const isLine = typeof doc === "object" && doc !== null && "type" in doc;
  if (doc !== undefined && !isLine) {
    const results = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>).results : undefined;
    if (!Array.isArray(results)) throw new Error("a JSON results file must have a results array (or be JSON lines)");
    rows = results;
  } else {
    rows = trimmed
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l, i) => {
        try {
          return JSON.parse(l) as unknown;
        } catch {
          throw new Error(`line ${i + 1} is not JSON`);
        }
      })
      .filter((o) => typeof o === "object" && o !== null && (o as Record<string, unknown>).type === "row");
  }
  return rows.flatMap((r) => {
    const f = figuresOf(r as Record<string, unknown>);
    return f === null ? [] : [f];
  });
}

const change = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a == null || b == null || a === 0 ? null : b / a;

/**
 * Pairs rows by group/workload. `threshold` (0.1 = 10 %) is how far the ratio to raw Node
 * must move, in the bad direction for the unit, to count as worse (or better).
 */
export function compareRuns(oldRows: readonly RowFigures[], newRows: readonly RowFigures[], threshold = 0.1): RowChange[] {
  const olds = new Map(oldRows.map((r) => [r.key, r]));
  const out: RowChange[] = [];
  for (const n of newRows) {
    const o = olds.get(n.key) ?? null;
    olds.delete(n.key);
    const ratioChange = change(o?.ratio, n.ratio);
    let verdict: RowChange["verdict"] = o === null ? "new" : "-";
    if (ratioChange !== null) {
      const gain = n.lowerIsBetter ? 1 / ratioChange : ratioChange;
      verdict = gain <= 1 - threshold ? "worse" : gain >= 1 + threshold ? "better" : "same";
    }
    out.push({ key: n.key, unit: n.unit, old: o, new: n, torsionChange: change(o?.torsion, n.torsion), ratioChange, verdict });
  }
  for (const o of olds.values())
    out.push({ key: o.key, unit: o.unit, old: o, new: null, torsionChange: null, ratioChange: null, verdict: "gone" });
  return out;
}

/** `×1.05 (+5.0%)`, or `-`. */
export function fmtChange(c: number | null): string {
  if (c === null) return "-";
  const pct = (c - 1) * 100;
  return `×${c.toFixed(2)} (${pct >= 0 ? "+" : ""}${pct.toFixed(1)}%)`;
}

/** The comparison as a text table. */
export function compareTable(changes: readonly RowChange[]): string {
  const ratio = (r: number | null | undefined): string => (r == null ? "-" : `x${r.toFixed(2)}`);
  const header = ["workload", "unit", "torsion old -> new", "change", "ratio old -> new", "ratio change", "verdict"];
  const rows = changes.map((c) => [
    c.key,
    c.unit,
    `${fmtNum(c.old?.torsion)} -> ${fmtNum(c.new?.torsion)}`,
    fmtChange(c.torsionChange),
    `${ratio(c.old?.ratio)} -> ${ratio(c.new?.ratio)}`,
    fmtChange(c.ratioChange),
    c.verdict,
  ]);
  return renderTable(header, rows);
}
