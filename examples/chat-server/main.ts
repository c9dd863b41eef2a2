// A chat room: each client first picks a nickname, then every line it sends is relayed
// to everyone else as "<nick> line".
//   node examples/dist/chat-server/main.js [PORT]     (127.0.0.1; 0 picks a free port)
//   or: npx torsion serve --listen tcp:8123:interface=127.0.0.1 examples/dist/chat-server/main.js
import { pathToFileURL } from "node:url";
import { reactor, LineReceiver, ServerFactory, type Failure } from "torsion";

class Chat extends LineReceiver {
  #name: string | null = null;

  get #room(): Map<string, Chat> {
    return (this.factory as ChatFactory).users;
  }

  override connectionMade(): void {
    this.sendLine(Buffer.from("What's your name?"));
  }

  override connectionLost(_reason: Failure): void {
    if (this.#name === null) return;
    this.#room.delete(this.#name);
    this.#broadcast(`* ${this.#name} left`);
  }

  override lineReceived(line: Buffer): void {
    const text = line.toString("utf8");
    if (this.#name === null) this.#register(text);
    else this.#broadcast(`<${this.#name}> ${text}`);
  }

  #register(name: string): void {
    if (!/^\w{1,32}$/.test(name)) {
      this.sendLine(Buffer.from("Names are 1-32 letters, digits or underscores. What's your name?"));
    } else if (this.#room.has(name)) {
      this.sendLine(Buffer.from("Name taken, please choose another."));
    } else {
      this.#name = name;
      this.#room.set(name, this);
      this.sendLine(Buffer.from(`Welcome, ${name}!`));
      this.#broadcast(`* ${name} joined`);
    }
  }

  #broadcast(message: string): void {
    for (const user of this.#room.values()) {
      if (user !== this) user.sendLine(Buffer.from(message));
    }
  }
}

class ChatFactory extends ServerFactory<Chat> {
  override protocol = Chat;
  readonly users = new Map<string, Chat>();
}

/** What `torsion serve` serves: one chat room. */
export const factory = new ChatFactory();

const runDirectly = import.meta.url === pathToFileURL(process.argv[1] ?? "").href;
if (runDirectly) {
  const port = reactor.listenTCP(Number(process.argv[2] ?? "8123"), factory, { interface: "127.0.0.1" });
  reactor.callWhenRunning(() => console.log(`chat server listening on ${port.getHost().toString()}`));
  void reactor.run();
}
