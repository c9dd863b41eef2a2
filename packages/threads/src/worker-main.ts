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

(globalThis as { [key: symbol]: unknown })[Symbol.for("torsion.threads.worker")] = true;

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

parentPort?.on("message", (message: RunMessage | { t: "close" }) => {
  if (message?.t === "close") {
    debug("closing");
    void runCloseHooks().finally(() => parentPort!.close());
  } else if (message?.t === "run") {
    debug("task %d: %s#%s", message.id, message.module, message.export);
    void run(message);
  }
});
