/**
 * The SQLite adapter of `ConnectionPool`, over `better-sqlite3` 12.x (an optional peer
 * dependency: install it yourself; 13.x needs Node 22). Options: `{filename, readonly?,
 * timeout?}`; `timeout` is the busy timeout in milliseconds (default 5000), which lets
 * several workers share one database file. (`":memory:"` gives every worker its own
 * empty database, so use a file with more than one worker.)
 */
import { createRequire } from "node:module";
import type { ExecuteResult, IDatabaseConnection } from "./adapter.js";

interface Statement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  close(): void;
  readonly inTransaction: boolean;
}

type DatabaseClass = new (filename: string, options?: { readonly?: boolean; timeout?: number }) => Database;

/** Options of the SQLite adapter. */
export interface SQLiteOptions {
  readonly filename: string;
  readonly readonly?: boolean;
  /** Busy timeout, ms. @default 5000 */
  readonly timeout?: number;
}

function load(): DatabaseClass {
  const require = createRequire(import.meta.url);
  try {
    return require("better-sqlite3") as DatabaseClass;
  } catch (error) {
    throw new Error("the SQLite adapter needs the better-sqlite3 package (npm install better-sqlite3@^12)", { cause: error });
  }
}

function bind(params: readonly unknown[] | Readonly<Record<string, unknown>> | undefined): unknown[] {
  if (params === undefined) return [];
  return Array.isArray(params) ? [...(params as unknown[])] : [params];
}

/** Opens one SQLite connection (called by each pool worker). */
export function connect(options: SQLiteOptions): IDatabaseConnection {
  if (typeof (options as SQLiteOptions | undefined)?.filename !== "string") throw new TypeError("the SQLite adapter needs {filename}");
  const Database = load();
  const db = new Database(options.filename, { readonly: options.readonly ?? false, timeout: options.timeout ?? 5000 });
  const statements = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      if (statements.size > 256) statements.clear();
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    query: (sql, params) => prepare(sql).all(...bind(params)),
    execute: (sql, params): ExecuteResult => {
      const statement = prepare(sql);
      if (statement.reader) {
        statement.all(...bind(params));
        return { changes: 0, lastInsertRowid: null };
      }
      const result = statement.run(...bind(params));
      return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
    },
    begin: () => db.exec("BEGIN"),
    commit: () => db.exec("COMMIT"),
    rollback: () => {
      if (db.inTransaction) db.exec("ROLLBACK");
    },
    close: () => db.close(),
  };
}
