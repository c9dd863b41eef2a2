/**
 * The Node built-in of this package, loaded on first use instead of at import:
 * `NodeReactor` and the umbrella load `@torsion/threads`, but `node:worker_threads` is
 * needed only once a pool starts a worker or code asks which thread it runs on (see
 * `@torsion/tls`'s `lazy-builtins.ts`). Only built-ins are loaded this way: they are always
 * present, bundled or not.
 */
// Aliased: a bundle's documented banner (README, "Bundling") declares `createRequire` itself.
import { createRequire as requireFrom } from "node:module";
import type workerThreads from "node:worker_threads";

const load = requireFrom(import.meta.url);

let workerThreadsModule: typeof workerThreads | null = null;

/** `node:worker_threads`, loaded by the first call. */
export function nodeWorkerThreads(): typeof workerThreads {
  workerThreadsModule ??= load("node:worker_threads") as typeof workerThreads;
  return workerThreadsModule;
}
