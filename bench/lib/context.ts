/** What every benchmark module receives from the driver (`run-all`). */
import type { BenchConfig } from "./config.js";

/** Shared state of one `npm run bench` invocation. */
export interface BenchContext {
  readonly config: BenchConfig;
  /** A private temp dir for Unix sockets, removed at the end of the run. */
  readonly tmpDir: string;
  /** Progress line to stderr (kept off stdout, which carries the tables). */
  log(message: string): void;
  /** A loud failure line (verification failures, crashed servers). */
  fail(message: string): void;
}
