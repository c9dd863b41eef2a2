/**
 * Torsion's public API: Deferreds, the contracts, Protocol/Factory, the framing protocols
 * and policies, the Node reactor, and a default `reactor` for scripts.
 *
 * Twisted has two `TimeoutError`s; so does Torsion. `TimeoutError` here is the connect
 * timeout (`twisted.internet.error.TimeoutError`); the Deferred timeout raised by
 * `addTimeout` (`twisted.internet.defer.TimeoutError`) is exported as
 * `DeferredTimeoutError`.
 */
import { react as reactWith } from "@torsion/application";
import type { Deferred } from "@torsion/defer";
import { NodeReactor } from "@torsion/reactor";
import * as threads from "@torsion/threads";

export * from "@torsion/defer";
export * from "@torsion/core";
export { TimeoutError } from "@torsion/core";
export { TimeoutError as DeferredTimeoutError } from "@torsion/defer";
export * from "@torsion/protocols";
export * from "@torsion/reactor";
export * from "@torsion/logger";
export * from "@torsion/application";
export * from "@torsion/endpoints";
export * from "@torsion/tls";
export * from "@torsion/amp";
export * from "@torsion/process";
export * from "@torsion/threads";

/**
 * The default reactor, for scripts. Library code never uses it: pass a reactor (or just
 * the narrow interface it needs, such as `IReactorTime`) in instead.
 *
 * Creating it has no side effects: it installs its SIGINT/SIGTERM handlers only while
 * `reactor.run()` is running.
 */
export const reactor: NodeReactor = new NodeReactor();

/**
 * Twisted's `task.react` on the default reactor: runs `main(reactor, ...argv)`, stops the
 * reactor when it settles and resolves with the exit code it set on `process.exitCode`
 * (see `react` in `@torsion/application`, which takes the reactor as its first argument).
 */
export function react<A extends readonly unknown[]>(main: (r: NodeReactor, ...argv: A) => unknown, ...argv: A): Promise<number> {
  return reactWith(reactor, main, ...argv);
}

/**
 * Twisted's `deferToThread(f, *args)`: runs the task on the default reactor's thread pool
 * (`reactor.getThreadPool()`). Library code uses `deferToThreadPool(pool, task, ...args)`
 * with the pool of the reactor it was given.
 */
export function deferToThread<A extends unknown[], R>(task: threads.TaskHandle<A, R>, ...args: threads.TaskArgsOf<A>): Deferred<R>;
export function deferToThread(task: threads.TaskRef, ...args: unknown[]): Deferred<unknown>;
export function deferToThread(task: threads.TaskRef, ...args: unknown[]): Deferred<unknown> {
  return reactor.getThreadPool().run(task, args);
}
