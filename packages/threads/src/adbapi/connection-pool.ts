import createDebug from "debug";
import type { Deferred } from "@torsion/defer";
import type { ITransportHost } from "@torsion/core";
import { moduleKey, type TaskHandle, type TaskRef } from "../task.js";
import { ThreadPool } from "../thread-pool.js";
import type { WorkerFactory } from "../worker-factory.js";
import { runInteractionTask, runOperationTask, runQueryTask, type ConnectionSpec } from "./adbapi-tasks.js";
import type { Transaction } from "./adapter.js";

const debug = createDebug("torsion:threads:connection-pool");

/** The module URL of the SQLite adapter shipped with Torsion (needs `better-sqlite3` 12.x). */
export const SQLITE_ADAPTER = new URL("./sqlite-adapter.js", import.meta.url).href;

/** Options of {@link ConnectionPool} (Twisted's `cp_min`/`cp_max`). */
export interface ConnectionPoolOptions {
  /** Workers (connections) kept open once started. @default 1 */
  readonly min?: number;
  /** At most this many connections at once. @default 3 */
  readonly max?: number;
  /** Seconds an idle connection beyond `min` stays open. @default 60 */
  readonly idleTimeout?: number;
  /** Registers the pool with this reactor so that `reactor.stop()` closes it. */
  readonly reactor?: Pick<ITransportHost, "registerResource" | "reportError">;
  /** For tests. */
  readonly workerFactory?: WorkerFactory;
}

type Params = readonly unknown[] | Readonly<Record<string, unknown>>;

/**
 * Twisted's `twisted.enterprise.adbapi.ConnectionPool`: a blocking database driver run
 * in a pool of worker threads behind Deferreds. Each worker opens its own connection
 * from the adapter module (see `IDatabaseAdapter`; `SQLITE_ADAPTER` is shipped).
 *
 * Every call runs in a transaction of its own: committed when it returns, rolled back
 * when it throws (the error then arrives as the Deferred's failure, rebuilt as for
 * `deferToThread`).
 *
 * @example
 * ```ts
 * const pool = new ConnectionPool(SQLITE_ADAPTER, { filename: "app.db" }, { reactor });
 * await pool.runOperation("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
 * const rows = await pool.runQuery("SELECT name FROM users WHERE id = ?", [1]);
 * ```
 */
export class ConnectionPool {
  readonly #spec: ConnectionSpec;
  readonly #threads: ThreadPool;
  #unregister: () => void = () => undefined;
  #closed: Promise<void> | null = null;

  /** @param adapter - the adapter module (URL, absolute path or package name) @param options - its `connect` options (structured-cloneable) */
  constructor(adapter: string | URL, options: unknown, poolOptions: ConnectionPoolOptions = {}) {
    this.#spec = { adapter: moduleKey(adapter), options };
    const reactor = poolOptions.reactor;
    this.#threads = new ThreadPool({
      min: poolOptions.min ?? 1,
      max: poolOptions.max ?? 3,
      idleTimeout: poolOptions.idleTimeout ?? 60,
      name: "adbapi",
      ...(poolOptions.workerFactory === undefined ? {} : { workerFactory: poolOptions.workerFactory }),
      ...(reactor === undefined ? {} : { reportError: (error: unknown, context: string) => reactor.reportError(error, context) }),
    });
    if (reactor !== undefined) {
      this.#unregister = reactor.registerResource({ kind: "connection", shutdown: (grace) => this.#close(grace) });
    }
  }

  /** Runs `sql` with `params` and fires with the rows (Twisted's `runQuery`). */
  runQuery(sql: string, params: Params = []): Deferred<unknown[]> {
    return this.#threads.run(runQueryTask, [this.#spec, sql, params]);
  }

  /** Runs a statement that returns no rows and fires with `null` (Twisted's `runOperation`). */
  runOperation(sql: string, params: Params = []): Deferred<null> {
    return this.#threads.run(runOperationTask, [this.#spec, sql, params]);
  }

  /**
   * Runs the task `task(transaction, ...args)` in a worker, inside a transaction that is
   * committed when it returns (or its promise resolves) and rolled back when it throws
   * (Twisted's `runInteraction`). The task is importable code, as for `deferToThread`.
   */
  runInteraction<A extends unknown[], R>(task: TaskHandle<[Transaction, ...A], R>, ...args: A): Deferred<R>;
  runInteraction(task: TaskRef, ...args: unknown[]): Deferred<unknown>;
  runInteraction(task: TaskRef, ...args: unknown[]): Deferred<unknown> {
    return this.#threads.run(runInteractionTask, [this.#spec, moduleKey(task.module), task.export, args]);
  }

  /** Pool statistics (see `ThreadPool.stats`). */
  stats(): ReturnType<ThreadPool["stats"]> {
    return this.#threads.stats();
  }

  /**
   * Closes every connection (Twisted's `close`): queued calls fail with `PoolStopped`,
   * running ones may finish. Called by `reactor.stop()` when a reactor was given.
   * Idempotent.
   */
  close(): Promise<void> {
    return this.#close(10);
  }

  #close(graceSeconds: number): Promise<void> {
    if (this.#closed === null) {
      debug("closing");
      this.#unregister();
      this.#closed = this.#threads.stop(graceSeconds);
    }
    return this.#closed;
  }
}
