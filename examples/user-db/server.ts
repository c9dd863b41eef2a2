// The course's database session walk-through as a line-protocol server: a ConnectionPool
// runs SQLite (better-sqlite3) in worker threads behind Deferreds.
//   node examples/dist/user-db/server.js PORT DATABASE_FILE     (127.0.0.1; 0 picks a port)
//   or: npx torsion serve --listen tcp:8125:interface=127.0.0.1 examples/dist/user-db/server.js DATABASE_FILE
// Commands, one per line:
//   ADD <name> <full name>   add a user (committed)        -> OK <id>
//   GET <name>               query it back                 -> USER <id> <name> <full name> | NONE
//   FAIL <name>              add, then fail: rolled back   -> ROLLED BACK <error>
//   LIST                     every user name               -> USERS <name> <name> ...
import { pathToFileURL } from "node:url";
import { reactor, ConnectionPool, Failure, LineReceiver, SQLITE_ADAPTER, ServerFactory } from "torsion";
import { addUser, addUserThenFail, createSchema } from "./tasks.js";

class UserDB extends LineReceiver {
  get #db(): ConnectionPool {
    return (this.factory as UserDBFactory).db;
  }

  // LineReceiver does not wait for the handler's promise, so the query runs on its own and
  // #answer catches its own failures.
  override lineReceived(line: Buffer): void {
    void this.#answer(line);
  }

  async #answer(line: Buffer): Promise<void> {
    const [command = "", name = "", ...rest] = line.toString("utf8").split(" ");
    try {
      this.#reply(await this.#run(command.toUpperCase(), name, rest.join(" ")));
    } catch (error) {
      this.#reply(`ERROR ${Failure.from(error).getErrorMessage()}`);
    }
  }

  async #run(command: string, name: string, fullname: string): Promise<string> {
    switch (command) {
      case "ADD":
        return `OK ${await this.#db.runInteraction(addUser, name, fullname)}`;
      case "GET": {
        const rows = (await this.#db.runQuery("SELECT id, name, fullname FROM users WHERE name = ?", [name])) as {
          id: number;
          name: string;
          fullname: string;
        }[];
        const user = rows[0];
        return user === undefined ? "NONE" : `USER ${user.id} ${user.name} ${user.fullname}`;
      }
      case "FAIL":
        try {
          await this.#db.runInteraction(addUserThenFail, name);
          return "SAVED";
        } catch (error) {
          return `ROLLED BACK ${Failure.from(error).getErrorMessage()}`;
        }
      case "LIST": {
        const rows = (await this.#db.runQuery("SELECT name FROM users ORDER BY id")) as { name: string }[];
        return `USERS ${rows.map((row) => row.name).join(" ")}`.trimEnd();
      }
      default:
        return "ERROR unknown command";
    }
  }

  #reply(text: string): void {
    if (this.connected) this.sendLine(Buffer.from(text));
  }
}

class UserDBFactory extends ServerFactory<UserDB> {
  override protocol = UserDB;
  constructor(readonly db: ConnectionPool) {
    super();
  }
}

/** What `torsion serve` calls: the argument after the module name is the database file. */
export async function makeService(options: { readonly args: readonly string[] }): Promise<UserDBFactory> {
  const db = new ConnectionPool(SQLITE_ADAPTER, { filename: options.args[0] ?? "users.db" }, { min: 1, max: 2, reactor });
  await db.runInteraction(createSchema);
  return new UserDBFactory(db);
}

const runDirectly = import.meta.url === pathToFileURL(process.argv[1] ?? "").href;
if (runDirectly) {
  const [portArg = "8125", filename = "users.db"] = process.argv.slice(2);
  const db = new ConnectionPool(SQLITE_ADAPTER, { filename }, { min: 1, max: 2, reactor });
  await db.runInteraction(createSchema);
  const port = reactor.listenTCP(Number(portArg), new UserDBFactory(db), { interface: "127.0.0.1" });
  reactor.callWhenRunning(() => console.log(`user-db server listening on ${port.getHost().toString()}`));
  void reactor.run();
}
