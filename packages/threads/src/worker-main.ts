/**
 * The entry point of every pool worker: runs one task at a time on request and posts
 * back its result or its serialized error.
 */
import { parentPort, type MessagePort } from "node:worker_threads";
import createDebug from "debug";
import {
  isPrimitiveMessage,
  isRunMessage,
  type DefineMessage,
  type ErrorMessage,
  type ResultMessage,
  type RunMessage,
  type ToWorkerMessage,
  type CompactRunMessage,
} from "./messages.js";
import { serializeError } from "./remote-error.js";
import { unwrapTransfer } from "./task.js";
import { resolveTask, runCloseHooks } from "./task-resolver.js";

const debug = createDebug("torsion:threads:worker");

(globalThis as Record<symbol, unknown>)[Symbol.for("torsion.threads.worker")] = true;

const tasks = new Map<number, (...args: unknown[]) => unknown>();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function fail(port: MessagePort, id: number, error: unknown): void {
  port.postMessage([id, serializeError(error), 0] satisfies ErrorMessage);
}

function reply(port: MessagePort, id: number, result: unknown): void {
  try {
    // The common case (a primitive, nothing to transfer) goes bare: the pool has one task at
    // a time in this worker, so it needs no id (a CompactResultMessage).
    if (isPrimitiveMessage(result)) {
      port.postMessage(result);
      return;
    }
    const { value, list } = unwrapTransfer(result);
    port.postMessage([id, value] satisfies ResultMessage, list);
  } catch (error) {
    fail(port, id, error);
  }
}

/** Modules and exports of the tasks this worker was told about but has not resolved yet. */
const definitions = new Map<number, DefineMessage>();

async function runSlow(port: MessagePort, message: RunMessage): Promise<void> {
  const id = message[0];
  const task = message[1];
  try {
    let fn = tasks.get(task);
    if (fn === undefined) {
      const definition = definitions.get(task);
      if (definition === undefined) throw new TypeError(`task ${task} was sent without its module and export`);
      fn = await resolveTask(definition.module, definition.export);
      tasks.set(task, fn);
      definitions.delete(task);
    }
    reply(port, id, await fn(...message.slice(2)));
  } catch (error) {
    fail(port, id, error);
  }
}

/** Calls `fn` with the arguments of `message` (`[id, task, ...args]`); one argument without a copy. */
function call(fn: (...args: unknown[]) => unknown, message: RunMessage): unknown {
  switch (message.length) {
    case 2:
      return fn();
    case 3:
      return fn(message[2]);
    case 4:
      return fn(message[2], message[3]);
    default:
      return fn(...message.slice(2));
  }
}

/** The task number of the last RunMessage: what a CompactRunMessage runs again. */
let lastTask = 0;

/** Runs a task; a known task with a synchronous result is answered without any await. */
function run(port: MessagePort, message: RunMessage): void {
  lastTask = message[1];
  const fn = tasks.get(message[1]);
  if (fn === undefined) {
    void runSlow(port, message);
    return;
  }
  const id = message[0];
  let result: unknown;
  try {
    result = call(fn, message);
  } catch (error) {
    fail(port, id, error);
    return;
  }
  if (isThenable(result)) {
    Promise.resolve(result).then(
      (value) => {
        reply(port, id, value);
      },
      (error: unknown) => {
        fail(port, id, error);
      },
    );
  } else {
    reply(port, id, result);
  }
}

function listen(port: MessagePort): void {
  port.on("message", (message: ToWorkerMessage | CompactRunMessage) => {
    if (isPrimitiveMessage(message)) {
      run(port, [0, lastTask, message]);
    } else if (isRunMessage(message)) {
      run(port, message);
    } else if (message.t === "define") {
      if (!tasks.has(message.task)) definitions.set(message.task, message);
    } else {
      debug("closing");
      void runCloseHooks().finally(() => {
        port.close();
      });
    }
  });
}

if (parentPort !== null) listen(parentPort);
