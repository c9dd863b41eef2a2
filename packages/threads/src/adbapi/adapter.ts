/**
 * The database adapter contract of `ConnectionPool` (Twisted's DB-API module, for Node).
 *
 * An adapter is a module that exports `connect(options)`; each pool worker imports it and
 * opens **one connection of its own**, on first use, with the pool's `options` (a
 * structured clone). All calls are synchronous: the driver blocks the worker thread,
 * never the reactor. Rows and parameters must be structured-cloneable.
 *
 * `ConnectionPool` drives the transaction: `begin()` before each interaction, `commit()`
 * when the interaction returned, `rollback()` when it threw; `close()` when the worker is
 * retired (idle timeout or `ConnectionPool.close()`).
 */
export interface IDatabaseConnection {
  /** Runs a statement that returns rows and returns them (objects keyed by column). */
  query(sql: string, params?: readonly unknown[] | Readonly<Record<string, unknown>>): unknown[];
  /** Runs a statement that returns no rows. */
  execute(sql: string, params?: readonly unknown[] | Readonly<Record<string, unknown>>): ExecuteResult;
  begin(): void;
  commit(): void;
  rollback(): void;
  close(): void;
}

/** What `execute` reports. */
export interface ExecuteResult {
  /** Rows inserted, updated or deleted. */
  readonly changes: number;
  /** The row id of the last insert, when the database has one. */
  readonly lastInsertRowid: number | bigint | null;
}

/** The shape of an adapter module. */
export interface IDatabaseAdapter {
  connect(options: unknown): IDatabaseConnection;
}

/**
 * What an interaction task gets as its first argument (Twisted's `Transaction`): the
 * worker's connection, inside a transaction the pool commits or rolls back.
 */
export interface Transaction {
  /** Runs a statement and returns its rows. */
  query(sql: string, params?: readonly unknown[] | Readonly<Record<string, unknown>>): unknown[];
  /** Runs a statement that returns no rows. */
  execute(sql: string, params?: readonly unknown[] | Readonly<Record<string, unknown>>): ExecuteResult;
}
