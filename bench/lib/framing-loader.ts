/**
 * Calls `runFramingBench()` from bench/framing (written by another engineer) when it has
 * been built, and turns whatever it returns into `Result`s defensively: a missing module is
 * a skip, a throw or a timeout is a FAIL line, never a crash of the whole run.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BENCH_DIST, exists } from "./paths.js";
import { makeResult, sideStats, skipped, type Result, type SideStats, type Target } from "./result.js";

/** The framing benchmark gets at most this long. */
const FRAMING_TIMEOUT_MS = 5 * 60_000;

type Loose = Record<string, unknown>;

function asSide(v: unknown): SideStats {
  if (typeof v === "number") return sideStats([v], 0);
  if (typeof v === "object" && v !== null && "median" in v) return v as SideStats;
  return sideStats([], 0);
}

function asTarget(v: unknown): Target | null {
  if (typeof v !== "object" || v === null) return null;
  const t = v as Loose;
  return (t.op === ">=" || t.op === "<=") && typeof t.value === "number" ? (v as Target) : null;
}

/** Normalises one item returned by the framing benchmark. */
function normalise(item: unknown, i: number): Result {
  const o = (typeof item === "object" && item !== null ? item : {}) as Loose;
  const name = typeof o.workload === "string" ? o.workload : typeof o.name === "string" ? o.name : `framing#${i + 1}`;
  const unit = typeof o.unit === "string" ? o.unit : "";
  const note = typeof o.note === "string" ? o.note : undefined;
  const r = makeResult(
    typeof o.group === "string" ? o.group : "framing",
    name,
    unit,
    asSide(o.raw),
    asSide(o.torsion),
    asTarget(o.target),
    note,
  );
  // keep the module's own verdict when it gave one and we could not compute a ratio
  const status = o.status;
  if (r.ratio === null && (status === "pass" || status === "miss" || status === "info" || status === "FAIL"))
    return { ...r, status, ratio: typeof o.ratio === "number" ? o.ratio : null };
  return r;
}

/** Runs the framing benchmark if bench/dist/framing/index.js exists. */
export async function runFramingIfPresent(log: (m: string) => void): Promise<Result[]> {
  const file = path.join(BENCH_DIST, "framing", "index.js");
  if (!exists(file)) return [skipped("framing", "framing", "", null, "bench/framing/index.ts not present (or not built) yet")];
  let timer: NodeJS.Timeout | undefined;
  try {
    const mod = (await import(pathToFileURL(file).href)) as Loose;
    const run = mod.runFramingBench;
    if (typeof run !== "function")
      return [skipped("framing", "framing", "", null, "bench/framing/index.js does not export runFramingBench()")];
    log("framing: running runFramingBench()");
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${FRAMING_TIMEOUT_MS / 1000} s`)), FRAMING_TIMEOUT_MS);
    });
    const out: unknown = await Promise.race([(run as () => Promise<unknown>)(), limit]);
    return Array.isArray(out) ? out.map(normalise) : [skipped("framing", "framing", "", null, "runFramingBench() did not return an array")];
  } catch (e) {
    const failed = sideStats([], 1, { errors: [e instanceof Error ? e.message : String(e)] });
    return [makeResult("framing", "framing", "", failed, failed, null, "runFramingBench() threw")];
  } finally {
    clearTimeout(timer);
  }
}
