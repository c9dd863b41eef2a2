import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectionPool, PoolStopped, RemoteError, SQLITE_ADAPTER } from "@torsion/threads";
import { NodeReactor } from "@torsion/reactor";
import * as db from "./tasks/db.js";
import { failureOf } from "./helpers.js";

function haveSqlite(): boolean {
  try {
    createRequire(import.meta.url)("better-sqlite3");
    return true;
  } catch {
    return false;
  }
}

const skip = haveSqlite() ? false : process.env.CI === "true" ? false : "better-sqlite3 is not installed";

describe("ConnectionPool over SQLite", { skip }, () => {
  it("runs queries, operations and interactions, committing each", async () => {
    const dir = mkdtempSync(join(tmpdir(), "torsion-adbapi-"));
    const pool = new ConnectionPool(SQLITE_ADAPTER, { filename: join(dir, "test.db") }, { min: 1, max: 2 });
    try {
      assert.equal(await pool.runOperation("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, email TEXT)"), null);
      const id = await pool.runInteraction(db.addUser, "ed", "ed@example.com");
      assert.equal(id, 1);
      await Promise.all(["a", "b", "c", "d"].map((name) => pool.runInteraction(db.addUser, name, `${name}@x`)));
      assert.deepEqual(await pool.runQuery("SELECT name, email FROM users WHERE id = ?", [1]), [{ name: "ed", email: "ed@example.com" }]);
      assert.equal(await pool.runInteraction(db.countUsers), 5);
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rolls back an interaction that throws and delivers its error as the failure", async () => {
    const dir = mkdtempSync(join(tmpdir(), "torsion-adbapi-"));
    const pool = new ConnectionPool(SQLITE_ADAPTER, { filename: join(dir, "test.db") }, { max: 1 });
    try {
      await pool.runOperation("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, email TEXT)");
      const error = await failureOf(pool.runInteraction(db.addUserThenFail, "ghost"));
      assert.equal(error.message, "refusing to keep ghost");
      assert.equal((error as unknown as { code: string }).code, "E_REFUSED");
      assert.deepEqual(await pool.runQuery("SELECT * FROM users WHERE name = ?", ["ghost"]), []);
      await pool.runInteraction(db.addUser, "ed", "e");
      const duplicate = await failureOf(pool.runInteraction(db.addUser, "ed", "again"));
      assert.ok(duplicate instanceof RemoteError);
      assert.equal(duplicate.name, "SqliteError");
      assert.match((duplicate as unknown as { code: string }).code, /SQLITE_CONSTRAINT/);
      assert.equal(await pool.runInteraction(db.countUsers), 1);
      const syntax = await failureOf(pool.runQuery("SELEC nonsense"));
      assert.match(syntax.message, /syntax error/);
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is closed by reactor.stop() and refuses calls afterwards", { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "torsion-adbapi-"));
    const reactor = new NodeReactor({ installSignalHandlers: false });
    const pool = new ConnectionPool(SQLITE_ADAPTER, { filename: join(dir, "test.db") }, { reactor });
    try {
      const running = reactor.run();
      await pool.runOperation("CREATE TABLE t (x)");
      reactor.stop();
      await running;
      assert.equal(pool.stats().workers, 0);
      assert.ok((await failureOf(pool.runQuery("SELECT 1"))) instanceof PoolStopped);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
