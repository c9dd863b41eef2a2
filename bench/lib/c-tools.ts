/**
 * Compiles the C load generators into bench/.build at bench time: the yardstick's
 * `loadgen.c` (read from ../shared/bench, never copied into the repo) and our `udpgen.c`.
 * A binary is rebuilt only when its source is newer.
 */
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { BENCH_DIR, BUILD_DIR, exists, SHARED_BENCH } from "./paths.js";
import { runCommand } from "./proc.js";

/** A compiled tool, or why it is unavailable. */
export type Tool = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

function newer(a: string, b: string): boolean {
  return statSync(a).mtimeMs > statSync(b).mtimeMs;
}

async function compile(source: string, out: string, extra: readonly string[]): Promise<Tool> {
  if (!exists(source)) return { ok: false, reason: `source ${source} not found` };
  if (exists(out) && !newer(source, out)) return { ok: true, path: out };
  mkdirSync(BUILD_DIR, { recursive: true });
  const r = await runCommand(["gcc", "-O2", ...extra, "-o", out, source], 60_000);
  if (r.code === 0) return { ok: true, path: out };
  const why = r.stderr.includes("ENOENT") ? "gcc is not installed" : `gcc failed: ${r.stderr.slice(-400)}`;
  return { ok: false, reason: why };
}

/** The yardstick load generator (TCP/Unix echo), compiled with `gcc -O2 -pthread`. */
export function buildLoadgen(): Promise<Tool> {
  const src = path.join(SHARED_BENCH, "loadgen.c");
  if (!exists(src)) return Promise.resolve({ ok: false, reason: `${src} is absent (the shared yardstick is needed for TCP/Unix echo)` });
  return compile(src, path.join(BUILD_DIR, "loadgen"), ["-pthread"]);
}

/** The windowed UDP echo load generator. */
export function buildUdpgen(): Promise<Tool> {
  return compile(path.join(BENCH_DIR, "clients", "udpgen.c"), path.join(BUILD_DIR, "udpgen"), ["-Wall"]);
}

/** The yardstick's C epoll echo server (a reference: the practical ceiling). */
export function buildCEpollEcho(): Promise<Tool> {
  const src = path.join(SHARED_BENCH, "servers", "c-epoll-echo.c");
  if (!exists(src)) return Promise.resolve({ ok: false, reason: `${src} is absent` });
  return compile(src, path.join(BUILD_DIR, "c-epoll-echo"), []);
}
