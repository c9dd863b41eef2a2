/**
 * The entry point of every pool worker: runs one task at a time on request and posts
 * back its result or its serialized error.
 */
import { parentPort, type TransferListItem } from "node:worker_threads";
import createDebug from "debug";
import { TaskNotFound } from "./errors.js";
import type { RunMessage, WorkerMessage } from "./messages.js";
import { serializeError } from "./remote-error.js";
import { registeredTask, unwrapTransfer } from "./task.js";

const debug = createDebug("torsion:threads:worker");

(globalThis as { [key: symbol]: unknown })[Symbol.for("torsion.threads.worker")] = true;

const modules = new Map<string, Promise<Record<string, unknown>>>();

async function resolveTask(module: string, name: string): Promise<(...args: unknown[]) => unknown> {
  let loading = modules.get(module);
  if (loading === undefined) {
    loading = import(module) as Promise<Record<string, unknown>>;
    modules.set(module, loading);
  }
  const namespace = await loading;
  const registered = registeredTask(module, name);
  if (registered !== undefined) return registered as (...args: unknown[]) => unknown;
  const exported = namespace[name];
  if (typeof exported === "function") return exported as (...args: unknown[]) => unknown;
  if (typeof exported === "object" && exported !== null) {
    const handle = exported as { module?: unknown; export?: unknown };
    if (typeof handle.module === "string" && typeof handle.export === "string") {
      const fn = registeredTask(handle.module, handle.export);
      if (fn !== undefined) return fn as (...args: unknown[]) => unknown;
    }
  }
  throw new TaskNotFound(`module ${module} has no task or exported function named ${JSON.stringify(name)}`);
}

function post(message: WorkerMessage, list: TransferListItem[] = []): void {
  parentPort!.postMessage(message, list);
}

async function run(message: RunMessage): Promise<void> {
  try {
    const fn = await resolveTask(message.module, message.export);
    const result = await fn(...message.args);
    const { value, list } = unwrapTransfer(result);
    try {
      post({ t: "result", id: message.id, value }, list);
    } catch (error) {
      post({ t: "error", id: message.id, error: serializeError(error) });
    }
  } catch (error) {
    post({ t: "error", id: message.id, error: serializeError(error) });
  }
}

parentPort?.on("message", (message: RunMessage) => {
  if (message?.t === "run") {
    debug("task %d: %s#%s", message.id, message.module, message.export);
    void run(message);
  }
});
