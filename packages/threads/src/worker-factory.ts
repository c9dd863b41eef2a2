import type { ResourceLimits } from "node:worker_threads";
import { nodeWorkerThreads } from "./lazy-builtins.js";
import type { TransferListItem } from "./task.js";
import type { ToWorkerMessage, WorkerMessage } from "./messages.js";

/**
 * What a {@link ThreadPool} needs of a worker: a `node:worker_threads` `Worker` has all
 * of it. Tests inject fakes through {@link WorkerFactory}.
 */
export interface IPoolWorker {
  /** Sends a task (or a task definition, or the request to close). */
  postMessage(message: ToWorkerMessage, transfer?: readonly TransferListItem[]): void;
  /** `'message'` (a `WorkerMessage`), `'error'` (an uncaught exception), `'exit'` (the exit code). */
  on(event: "message", listener: (message: WorkerMessage) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "exit", listener: (exitCode: number) => void): unknown;
  /** Stops the worker at once; `'exit'` follows. */
  terminate(): Promise<number>;
  /** Lets the worker keep the process alive (while it runs a task). */
  ref(): void;
  /** Lets the process exit even if the worker is alive (while it is idle). */
  unref(): void;
}

/** Options the pool passes to its worker factory. */
export interface WorkerOptions {
  readonly resourceLimits?: ResourceLimits;
  readonly execArgv?: readonly string[];
}

/** Creates one pool worker. */
export type WorkerFactory = (options: WorkerOptions) => IPoolWorker;

/** The entry script of real pool workers. */
export const WORKER_MAIN = new URL("./worker-main.js", import.meta.url);

/**
 * This process's `execArgv` minus the options that only make sense for the main script
 * (`--input-type` makes a worker refuse to load its entry file).
 */
export function inheritedExecArgv(): string[] {
  const argv: string[] = [];
  let skipNext = false;
  for (const arg of process.execArgv) {
    if (skipNext) {
      skipNext = false;
      continue;
    }
    if (arg.startsWith("--input-type")) {
      skipNext = arg === "--input-type";
      continue;
    }
    argv.push(arg);
  }
  return argv;
}

/** The default factory: a real `Worker` running Torsion's worker entry point. */
export const nodeWorkerFactory: WorkerFactory = (options) =>
  new (nodeWorkerThreads().Worker)(WORKER_MAIN, {
    ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
    execArgv: options.execArgv === undefined ? inheritedExecArgv() : [...options.execArgv],
  });
