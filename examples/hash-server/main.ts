// A CPU-bound server that stays responsive: "HASH <rounds> <text>" is computed in worker
// threads (deferToThread), so "PING" is answered at once even while workers hash.
//   node examples/dist/hash-server/main.js [PORT]     (127.0.0.1; 0 picks a free port)
//   or: npx torsion serve --listen tcp:8126:interface=127.0.0.1 examples/dist/hash-server/main.js
import { pathToFileURL } from "node:url";
import { reactor, deferToThread, LineReceiver, ServerFactory, type Failure } from "torsion";
import { stretch } from "./hash-task.js";

const MAX_ROUNDS = 10_000_000;

class HashProtocol extends LineReceiver {
  override lineReceived(line: Buffer): void {
    const [command = "", roundsText = "", ...words] = line.toString("utf8").split(" ");
    if (command === "PING") {
      this.sendLine(Buffer.from("PONG"));
      return;
    }
    const rounds = Number(roundsText);
    if (command !== "HASH" || !Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
      this.sendLine(Buffer.from(`ERROR usage: HASH <rounds 1..${MAX_ROUNDS}> <text> | PING`));
      return;
    }
    const text = words.join(" ");
    deferToThread(stretch, text, rounds).addCallbacks(
      (hex) => this.#reply(`HASH ${rounds} ${hex}`),
      (failure: Failure) => this.#reply(`ERROR ${failure.getErrorMessage()}`),
    );
  }

  #reply(text: string): void {
    if (this.connected) this.sendLine(Buffer.from(text));
  }
}

/** What `torsion serve` serves (the thread pool is the default reactor's). */
export const factory = ServerFactory.forProtocol(HashProtocol);

const runDirectly = import.meta.url === pathToFileURL(process.argv[1] ?? "").href;
if (runDirectly) {
  reactor.getThreadPool().adjustPoolsize(0, 2);
  const port = reactor.listenTCP(Number(process.argv[2] ?? "8126"), ServerFactory.forProtocol(HashProtocol), { interface: "127.0.0.1" });
  reactor.callWhenRunning(() => console.log(`hash server listening on ${port.getHost().toString()}`));
  void reactor.run();
}
