// Interactions run by the user-db server in its database workers. Each one gets a
// transaction: committed when it returns, rolled back when it throws.
import { defineTask, type Transaction } from "torsion";

export const createSchema = defineTask(import.meta.url, "createSchema", (txn: Transaction) => {
  txn.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, fullname TEXT)");
});

export const addUser = defineTask(import.meta.url, "addUser", (txn: Transaction, name: string, fullname: string) =>
  Number(txn.execute("INSERT INTO users (name, fullname) VALUES (?, ?)", [name, fullname]).lastInsertRowid),
);

// Adds a user and then fails, as the course's session example does after session.add():
// the rollback must leave no trace of the user.
export const addUserThenFail = defineTask(import.meta.url, "addUserThenFail", (txn: Transaction, name: string) => {
  txn.execute("INSERT INTO users (name, fullname) VALUES (?, ?)", [name, "Not Saved"]);
  throw new Error(`something went wrong after adding ${name}`);
});
