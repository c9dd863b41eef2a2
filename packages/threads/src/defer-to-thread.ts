import type { Deferred } from "@torsion/defer";
import type { TaskArgsOf, TaskHandle, TaskRef } from "./task.js";
import type { ThreadPool } from "./thread-pool.js";

/** Something that has a thread pool: a `NodeReactor`. */
export interface IReactorThreads {
  /** The reactor's pool, created on first use and stopped when the reactor stops. */
  getThreadPool(): ThreadPool;
}

/**
 * Runs `task(...args)` on `pool` (Twisted's `deferToThreadPool`, without the reactor
 * argument: results come back on the main thread anyway). Arguments may be wrapped in
 * `transfer(value, [buffers])` to move them without copying.
 *
 * Cancelling the Deferred removes a queued task; a running task finishes in its worker
 * and its result is discarded (use `pool.run(task, args, {cancel: "terminate"})` to
 * terminate the worker instead).
 */
export function deferToThreadPool<A extends unknown[], R>(pool: ThreadPool, task: TaskHandle<A, R>, ...args: TaskArgsOf<A>): Deferred<R>;
export function deferToThreadPool(pool: ThreadPool, task: TaskRef, ...args: unknown[]): Deferred<unknown>;
export function deferToThreadPool(pool: ThreadPool, task: TaskRef, ...args: unknown[]): Deferred<unknown> {
  return pool.run(task, args);
}

/**
 * Twisted's `deferToThread`, on the pool of `reactor` (library code passes its reactor;
 * the umbrella package `torsion` also exports a `deferToThread(task, ...args)` bound to
 * its default reactor).
 */
export function deferToThread<A extends unknown[], R>(
  reactor: IReactorThreads,
  task: TaskHandle<A, R>,
  ...args: TaskArgsOf<A>
): Deferred<R>;
export function deferToThread(reactor: IReactorThreads, task: TaskRef, ...args: unknown[]): Deferred<unknown>;
export function deferToThread(reactor: IReactorThreads, task: TaskRef, ...args: unknown[]): Deferred<unknown> {
  return reactor.getThreadPool().run(task, args);
}
