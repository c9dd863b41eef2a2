/**
 * Where things are, resolved from the compiled file (bench/dist/lib/paths.js), so the
 * benchmarks work from any current directory.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

/** bench/ (the sources, not dist/). */
export const BENCH_DIR = fileURLToPath(new URL("../../", import.meta.url));
/** bench/dist/ (compiled benchmark code). */
export const BENCH_DIST = path.join(BENCH_DIR, "dist");
/** The repository root. */
export const REPO_DIR = path.resolve(BENCH_DIR, "..");
/** Compiled C helpers (git-ignored). */
export const BUILD_DIR = path.join(BENCH_DIR, ".build");
/** JSON results (git-ignored). */
export const RESULTS_DIR = path.join(BENCH_DIR, "results");
/** The read-only yardstick (`../shared/bench`), overridable with `SHARED_BENCH`. */
export const SHARED_BENCH = process.env.SHARED_BENCH ?? path.resolve(REPO_DIR, "..", "shared", "bench");

/** The compiled Torsion echo example. */
export const TORSION_ECHO_JS = path.join(REPO_DIR, "examples", "dist", "echo-server", "main.js");

/** `node <compiled bench file>` for a file under bench/dist. */
export function benchScript(relative: string): string {
  return path.join(BENCH_DIST, relative);
}

/** Whether a file exists (a tiny wrapper kept for readability at call sites). */
export function exists(file: string): boolean {
  return existsSync(file);
}
