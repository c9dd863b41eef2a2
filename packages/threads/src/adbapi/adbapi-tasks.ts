/**
 * The worker side of `ConnectionPool`: one connection per worker, opened lazily from the
 * adapter module, closed when the worker is retired.
 */
import createDebug from "debug";
import { defineTask } from "../task.js";
import { onWorkerClose, resolveTask } from "../task-resolver.js";
import type { IDatabaseAdapter, IDatabaseConnection, Transaction } from "./adapter.js";

const debug = createDebug("torsion:threads:adbapi");

/** Which database a call is for: the adapter module and its `connect` options. */
export interface ConnectionSpec {
  readonly adapter: string;
  readonly options: unknown;
}

let connection: IDatabaseConnection | null = null;
let openSpec: string | null = null;

async function connectionFor(spec: ConnectionSpec): Promise<IDatabaseConnection> {
  const key = JSON.stringify([spec.adapter, spec.options]);
  if (connection !== null && openSpec === key) return connection;
  const module = (await import(spec.adapter)) as Partial<IDatabaseAdapter>;
  if (typeof module.connect !== "function") throw new TypeError(`database adapter ${spec.adapter} does not export connect(options)`);
  connection?.close();
  connection = module.connect(spec.options);
  openSpec = key;
  debug("opened a connection with %s", spec.adapter);
  return connection;
}

onWorkerClose(() => {
  if (connection !== null) {
    debug("closing the connection");
    connection.close();
    connection = null;
  }
});

async function inTransaction<R>(spec: ConnectionSpec, body: (txn: Transaction) => R | Promise<R>): Promise<R> {
  const conn = await connectionFor(spec);
  conn.begin();
  let result: R;
  try {
    result = await body({ query: (sql, params) => conn.query(sql, params), execute: (sql, params) => conn.execute(sql, params) });
  } catch (error) {
    try {
      conn.rollback();
    } catch (rollbackError) {
      debug("rollback failed: %s", String(rollbackError));
    }
    throw error;
  }
  conn.commit();
  return result;
}

type Params = readonly unknown[] | Readonly<Record<string, unknown>> | undefined;

export const runQueryTask = defineTask(import.meta.url, "runQuery", (spec: ConnectionSpec, sql: string, params: Params) =>
  inTransaction(spec, (txn) => txn.query(sql, params)),
);

export const runOperationTask = defineTask(import.meta.url, "runOperation", async (spec: ConnectionSpec, sql: string, params: Params) => {
  await inTransaction(spec, (txn) => txn.execute(sql, params));
  return null;
});

export const runInteractionTask = defineTask(
  import.meta.url,
  "runInteraction",
  async (spec: ConnectionSpec, module: string, name: string, args: unknown[]) => {
    const fn = await resolveTask(module, name);
    return inTransaction(spec, (txn) => fn(txn, ...args));
  },
);
