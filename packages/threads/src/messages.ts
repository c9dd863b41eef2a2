import type { MessagePort } from "node:worker_threads";
import type { SerializedError } from "./remote-error.js";

/** Main thread → worker: run one task. */
export interface RunMessage {
  readonly t: "run";
  readonly id: number;
  /** The task's number in this pool; `module` and `export` come only the first time a worker gets it. */
  readonly task: number;
  readonly module?: string;
  readonly export?: string;
  readonly args: unknown[];
}

/** Worker → main thread. */
export type WorkerMessage =
  | { readonly t: "result"; readonly id: number; readonly value: unknown }
  | { readonly t: "error"; readonly id: number; readonly error: SerializedError }
  | { readonly t: "call"; readonly name: string; readonly args: unknown[] }
  | { readonly t: "blocking"; readonly name: string; readonly args: unknown[]; readonly flag: Int32Array; readonly port: MessagePort };

/** Main thread → worker, on a blocking call's port. */
export type BlockingReply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: SerializedError };

/** Whether `value` looks like a message a pool worker sends. */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return typeof value === "object" && value !== null && typeof (value as { t?: unknown }).t === "string";
}
