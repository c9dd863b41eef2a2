// Twisted's chat server (docs/core/howto/servers, "chat.py"): the protocol reaches its
// factory's `users` through a typed `this.factory`. Run in memory with StringTransports.
import { Factory, LineReceiver } from "torsion";
import { StringTransport } from "torsion/testing";

class Chat extends LineReceiver<ChatFactory> {
  name: string | null = null;
  state: "GETNAME" | "CHAT" = "GETNAME";

  override connectionMade(): void {
    this.sendLine(Buffer.from("What's your name?"));
  }

  override connectionLost(): void {
    if (this.name !== null) this.factory.users.delete(this.name);
  }

  override lineReceived(line: Buffer): void {
    if (this.state === "GETNAME") this.handleGetName(line.toString());
    else this.handleChat(line.toString());
  }

  handleGetName(name: string): void {
    if (this.factory.users.has(name)) {
      this.sendLine(Buffer.from("Name taken, please choose another."));
      return;
    }
    this.sendLine(Buffer.from(`Welcome, ${name}!`));
    this.name = name;
    this.factory.users.set(name, this);
    this.state = "CHAT";
  }

  handleChat(message: string): void {
    const line = Buffer.from(`<${this.name ?? "?"}> ${message}`);
    for (const protocol of this.factory.users.values()) if (protocol !== this) protocol.sendLine(line);
  }
}

class ChatFactory extends Factory<Chat> {
  readonly users = new Map<string, Chat>();
}

const factory = ChatFactory.forProtocol(Chat);
const connect = (): [Chat, StringTransport] => {
  const transport = new StringTransport();
  const protocol = factory.buildProtocol(transport.getPeer());
  if (protocol === null) throw new Error("refused");
  protocol.makeConnection(transport);
  return [protocol, transport];
};
const [alice, aliceOut] = connect();
const [bob, bobOut] = connect();
alice.dataReceived(Buffer.from("alice\r\n"));
bob.dataReceived(Buffer.from("alice\r\nbob\r\n"));
alice.dataReceived(Buffer.from("hi bob\r\n"));
process.stdout.write(`chat: ${JSON.stringify(aliceOut.value().toString())} ${JSON.stringify(bobOut.value().toString())} users=${[...factory.users.keys()].join(",")}\n`);
