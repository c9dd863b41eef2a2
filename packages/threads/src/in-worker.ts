import type { MessagePort } from "node:worker_threads";
import { reportError } from "@torsion/defer";
import { BlockingCallTimeout, UnknownMainThreadFunction, WrongThreadError } from "./errors.js";
import { mainThreadFunction } from "./main-thread-functions.js";
import type { BlockingReply, WorkerMessage } from "./messages.js";
import { rebuildError } from "./remote-error.js";
import { unwrapArgs } from "./task.js";
import { nodeWorkerThreads } from "./lazy-builtins.js";

/** Whether this code runs inside a Torsion pool worker. */
export function inPoolWorker(): boolean {
  const { isMainThread, parentPort } = nodeWorkerThreads();
  return !isMainThread && parentPort !== null && (globalThis as Record<symbol, unknown>)[Symbol.for("torsion.threads.worker")] === true;
}

/** The port to the main thread of a pool worker. @throws WrongThreadError elsewhere */
function poolWorkerPort(what: string): MessagePort {
  const { parentPort } = nodeWorkerThreads();
  if (parentPort === null || !inPoolWorker()) throw new WrongThreadError(`${what} needs a Torsion pool worker`);
  return parentPort;
}

/**
 * From a pool worker: runs the main-thread function registered as `name` (see
 * `registerMainThreadFunction`) with `args` on the reactor's thread, later, without
 * waiting (Twisted's `reactor.callFromThread`). Calls from one worker run in the order
 * they were made, each in its own turn of the event loop; errors are reported on the
 * main thread. Called on the main thread itself, it runs the function on the next turn.
 *
 * @throws WrongThreadError in a worker that is not a pool worker
 */
export function callFromThread(name: string, ...args: unknown[]): void {
  if (nodeWorkerThreads().isMainThread) {
    const fn = mainThreadFunction(name);
    setImmediate(() => {
      if (fn === undefined) {
        reportError(new UnknownMainThreadFunction(`no main-thread function registered as ${JSON.stringify(name)}`), "callFromThread");
        return;
      }
      try {
        (fn as (...a: unknown[]) => unknown)(...args);
      } catch (error) {
        reportError(error, `callFromThread(${JSON.stringify(name)})`);
      }
    });
    return;
  }
  const port = poolWorkerPort("callFromThread");
  const { args: plain, list } = unwrapArgs(args);
  const message: WorkerMessage = { t: "call", name, args: plain };
  port.postMessage(message, list);
}

/** Options of {@link blockingCallFromThreadWith}. */
export interface BlockingCallOptions {
  /** Seconds to wait for the answer before throwing {@link BlockingCallTimeout}. @default 30 */
  readonly timeout?: number;
}

/**
 * From a pool worker: runs the main-thread function registered as `name` with `args` on
 * the reactor's thread and **blocks this worker** until it has returned (or, if it
 * returned a Deferred or promise, until that settled), then returns the result or throws
 * the error (rebuilt, see `registerErrorClass`). Waits at most 30 seconds
 * ({@link blockingCallFromThreadWith} sets another timeout).
 *
 * @throws WrongThreadError on the main thread, where it would deadlock the reactor
 * @throws ReactorNotRunning once the pool is stopping (the reactor shutting down),
 *   instead of hanging as Twisted does (#10124)
 * @throws BlockingCallTimeout when no answer came in time
 */
export function blockingCallFromThread(name: string, ...args: unknown[]): unknown {
  return blockingCallFromThreadWith({}, name, ...args);
}

/** {@link blockingCallFromThread} with options (a timeout). */
export function blockingCallFromThreadWith(options: BlockingCallOptions, name: string, ...args: unknown[]): unknown {
  const { isMainThread, MessageChannel, receiveMessageOnPort } = nodeWorkerThreads();
  if (isMainThread) throw new WrongThreadError("blockingCallFromThread called on the main thread: it would deadlock the reactor");
  const parent = poolWorkerPort("blockingCallFromThread");
  const timeout = options.timeout ?? 30;
  if (!(timeout >= 0)) throw new RangeError("timeout must be >= 0");
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  try {
    const { args: plain, list } = unwrapArgs(args);
    const message: WorkerMessage = { t: "blocking", name, args: plain, flag, port: port2 };
    parent.postMessage(message, [port2, ...list]);
    const outcome = Atomics.wait(flag, 0, 0, timeout * 1000);
    const received = receiveMessageOnPort(port1);
    if (received === undefined) {
      throw new BlockingCallTimeout(`blockingCallFromThread(${JSON.stringify(name)}) got no answer within ${timeout} s (${outcome})`);
    }
    const reply = received.message as BlockingReply;
    if (reply.ok) return reply.value;
    throw rebuildError(reply.error);
  } finally {
    port1.close();
  }
}
