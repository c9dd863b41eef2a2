/** Interaction tasks for the ConnectionPool tests. */
import { defineTask, type Transaction } from "@torsion/threads";

export const addUser = defineTask(import.meta.url, "addUser", (txn: Transaction, name: string, email: string) => {
  const result = txn.execute("INSERT INTO users (name, email) VALUES (?, ?)", [name, email]);
  return Number(result.lastInsertRowid);
});

/** Inserts a user, then fails: the insert must be rolled back. */
export const addUserThenFail = defineTask(import.meta.url, "addUserThenFail", (txn: Transaction, name: string) => {
  txn.execute("INSERT INTO users (name, email) VALUES (?, ?)", [name, `${name}@example.com`]);
  const error = new Error(`refusing to keep ${name}`) as Error & { code: string };
  error.code = "E_REFUSED";
  throw error;
});

export const countUsers = defineTask(import.meta.url, "countUsers", async (txn: Transaction) => {
  await Promise.resolve();
  return (txn.query("SELECT count(*) AS n FROM users")[0] as { n: number }).n;
});
