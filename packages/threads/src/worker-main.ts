/**
 * The entry point of every pool worker: runs one task at a time on request and posts
 * back its result or its serialized error.
 */
import { parentPort } from "node:worker_threads";
import type { TransferListItem } from "./task.js";
import createDebug from "debug";
import type { RunMessage, WorkerMessage } from "./messages.js";
import { serializeError } from "./remote-error.js";
import { unwrapTransfer } from "./task.js";
import { resolveTask, runCloseHooks } from "./task-resolver.js";

const debug = createDebug("torsion:threads:worker");

(globalThis as Record<symbol, unknown>)[Symbol.for("torsion.threads.worker")] = true;

function post(message: WorkerMessage, list: TransferListItem[] = []): void {
  parentPort!.postMessage(message, list);
}

const tasks = new Map<number, (...args: unknown[]) => unknown>();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function reply(id: number, result: unknown): void {
  const { value, list } = unwrapTransfer(result);
  try {
    post({ t: "result", id, value }, list);
  } catch (error) {
    post({ t: "error", id, error: serializeError(error) });
  }
}

async function runSlow(message: RunMessage): Promise<void> {
  try {
    let fn = tasks.get(message.task);
    if (fn === undefined) {
      fn = await resolveTask(message.module!, message.export!);
      tasks.set(message.task, fn);
    }
    reply(message.id, await fn(...message.args));
  } catch (error) {
    post({ t: "error", id: message.id, error: serializeError(error) });
  }
}

/** Runs a task; a known task with a synchronous result is answered without any await. */
function run(message: RunMessage): void {
  const fn = tasks.get(message.task);
  if (fn === undefined) {
    void runSlow(message);
    return;
  }
  let result: unknown;
  try {
    result = fn(...message.args);
  } catch (error) {
    post({ t: "error", id: message.id, error: serializeError(error) });
    return;
  }
  if (isThenable(result)) {
    Promise.resolve(result).then(
      (value) => reply(message.id, value),
      (error: unknown) => {
        post({ t: "error", id: message.id, error: serializeError(error) });
      },
    );
  } else {
    reply(message.id, result);
  }
}

parentPort?.on("message", (message: RunMessage | { t: "close" } | null) => {
  if (message?.t === "close") {
    debug("closing");
    void runCloseHooks().finally(() => parentPort!.close());
  } else if (message?.t === "run") {
    run(message);
  }
});
