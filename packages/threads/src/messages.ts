import type { MessagePort } from "node:worker_threads";
import type { SerializedError } from "./remote-error.js";

/**
 * Main thread → worker: run one task, `[id, task, ...args]`, where `task` is the task's
 * number in this pool (a {@link DefineMessage} tells the worker its module and export
 * first). A flat array rather than an object because it is structured-cloned on every
 * call: for a one-argument task a flat array clones in about 60% of the time of a nested
 * `{id, task, args: [...]}` (measured on Node 20).
 */
export type RunMessage = readonly [id: number, task: number, ...args: unknown[]];

/** Main thread → worker, once per task and worker, before its first {@link RunMessage}. */
export interface DefineMessage {
  readonly t: "define";
  readonly task: number;
  readonly module: string;
  readonly export: string;
}

/** Main thread → worker: run the close hooks and exit. */
export interface CloseMessage {
  readonly t: "close";
}

/**
 * A primitive value (not an object): a {@link CompactRunMessage} or a
 * {@link CompactResultMessage}. Structured-cloning a bare primitive costs less than an array.
 */
export type PrimitiveMessage = string | number | boolean | bigint | null | undefined;

/**
 * Main thread → a worker of the default factory (`nodeWorkerFactory`) only: run the task this
 * worker ran last again, with this one argument and id 0 (the pool has one task at a time
 * in a worker, so the id is not needed to match the outcome). Workers of other factories
 * always get a {@link RunMessage}.
 */
export type CompactRunMessage = PrimitiveMessage;

/**
 * What the main thread sends a pool worker (an `IPoolWorker`). Torsion's own workers may
 * get a {@link CompactRunMessage} too.
 */
export type ToWorkerMessage = RunMessage | DefineMessage | CloseMessage;

/**
 * Worker → main thread: a task's result, `[id, value]`. An id of 0 stands for the task the
 * worker is running (sent by a {@link CompactRunMessage}).
 */
export type ResultMessage = readonly [id: number, value: unknown];

/** Worker → main thread: a primitive result of the task the worker is running, sent bare. */
export type CompactResultMessage = PrimitiveMessage;

/** Worker → main thread: a task's error, `[id, error, 0]` (the third element tells it from a result). */
export type ErrorMessage = readonly [id: number, error: SerializedError, failed: 0];

/** Worker → main thread: a result, an error, or a call to a main-thread function. */
export type WorkerMessage =
  | ResultMessage
  | CompactResultMessage
  | ErrorMessage
  | { readonly t: "call"; readonly name: string; readonly args: unknown[] }
  | { readonly t: "blocking"; readonly name: string; readonly args: unknown[]; readonly flag: Int32Array; readonly port: MessagePort };

/** Main thread → worker, on a blocking call's port. */
export type BlockingReply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: SerializedError };

/** Whether a message to a worker is a {@link RunMessage} (the only array-shaped one). */
export function isRunMessage(message: ToWorkerMessage): message is RunMessage {
  return Array.isArray(message);
}

/** Whether a message is a bare primitive (a {@link CompactRunMessage} or {@link CompactResultMessage}). */
export function isPrimitiveMessage(message: unknown): message is PrimitiveMessage {
  return (typeof message !== "object" && typeof message !== "function" && typeof message !== "symbol") || message === null;
}
