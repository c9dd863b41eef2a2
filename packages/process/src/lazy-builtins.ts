/**
 * The Node built-in of this package, loaded on first use instead of at import:
 * `NodeReactor` and the umbrella load `@torsion/process`, but `node:child_process` is
 * needed only by the first `spawnProcess` (see `@torsion/tls`'s `lazy-builtins.ts`).
 * Only built-ins are loaded this way: they are always present, bundled or not.
 */
// Aliased: a bundle's documented banner (README, "Bundling") declares `createRequire` itself.
import { createRequire as requireFrom } from "node:module";
import type childProcess from "node:child_process";

const load = requireFrom(import.meta.url);

let childProcessModule: typeof childProcess | null = null;

/** `node:child_process`, loaded by the first call. */
export function nodeChildProcess(): typeof childProcess {
  childProcessModule ??= load("node:child_process") as typeof childProcess;
  return childProcessModule;
}
