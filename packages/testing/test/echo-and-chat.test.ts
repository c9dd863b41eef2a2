/**
 * Two small protocols written here (an echo server and a line-based chat) exercised the
 * way users will test theirs: against a StringTransport, and through
 * connectedServerAndClient at every chunk size.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Failure } from "@torsion/defer";
import { Factory, Protocol } from "@torsion/core";
import { StringTransport, StringTransportWithDisconnection, connectedServerAndClient, feedInChunks } from "@torsion/testing";

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport?.write(data);
  }
}

/** Collects what it receives; optionally sends a script when connected. */
class Collector extends Protocol {
  received = "";
  lostWith: string | null = null;
  constructor(readonly script = "") {
    super();
  }
  override connectionMade(): void {
    if (this.script !== "") this.transport?.write(Buffer.from(this.script, "latin1"));
  }
  override dataReceived(data: Buffer): void {
    this.received += data.toString("latin1");
  }
  override connectionLost(reason: Failure): void {
    this.lostWith = reason.value.name;
  }
}

/** Splits input into "\n"-terminated lines; keeps the partial tail for the next chunk. */
abstract class LineProtocol extends Protocol {
  #buffer = "";
  override dataReceived(data: Buffer): void {
    this.#buffer += data.toString("utf8");
    let end = this.#buffer.indexOf("\n");
    while (end >= 0 && this.connected) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 1);
      this.lineReceived(line);
      end = this.#buffer.indexOf("\n");
    }
  }
  sendLine(line: string): void {
    this.transport?.write(Buffer.from(`${line}\n`));
  }
  abstract lineReceived(line: string): void;
}

/** NICK <name> to join; any other line is broadcast to the others; QUIT says BYE and closes. */
class Chat extends LineProtocol {
  name: string | null = null;
  override lineReceived(line: string): void {
    const room = (this.factory as ChatFactory).room;
    if (line.startsWith("NICK ")) {
      this.name = line.slice(5);
      room.add(this);
      this.sendLine(`WELCOME ${this.name}`);
    } else if (line === "QUIT") {
      this.sendLine("BYE");
      this.transport?.loseConnection();
    } else if (this.name === null) {
      this.sendLine("ERROR say NICK first");
    } else {
      for (const other of room) if (other !== this) other.sendLine(`<${this.name}> ${line}`);
    }
  }
  override connectionLost(): void {
    (this.factory as ChatFactory).room.delete(this);
  }
}

class ChatFactory extends Factory<Chat> {
  readonly room = new Set<Chat>();
}

const chatFactory = (): ChatFactory => ChatFactory.forProtocol(Chat);
const collectorFactory = (script: string): Factory<Collector> => {
  const factory = new Factory<Collector>();
  factory.buildProtocol = () => {
    const protocol = new Collector(script);
    protocol.factory = factory;
    return protocol;
  };
  return factory;
};

const PAYLOAD = Buffer.from("hello, echo!\r\n\u0000\u00ff binary too", "latin1");
const MAX_CHUNK = 24;

describe("an echo protocol", () => {
  it("against a StringTransport writes back every byte at every chunk size", () => {
    for (let size = 1; size <= PAYLOAD.length + 1; size++) {
      const transport = new StringTransport();
      const echo = new Echo();
      echo.makeConnection(transport);
      feedInChunks(echo, PAYLOAD, size);
      assert.deepEqual(transport.value(), PAYLOAD, `chunk size ${size}`);
    }
  });

  it("through connectedServerAndClient echoes the client's greeting at chunk sizes 1..N", () => {
    for (let chunkSize = 1; chunkSize <= MAX_CHUNK; chunkSize++) {
      const { client, server, pump } = connectedServerAndClient(Factory.forProtocol(Echo), collectorFactory(PAYLOAD.toString("latin1")), {
        chunkSize,
      });
      assert.equal(client.received, PAYLOAD.toString("latin1"), `chunk size ${chunkSize}`);
      client.transport?.loseConnection();
      pump.flush();
      assert.equal(client.lostWith, "ConnectionDone");
      assert.equal(server.connected, false);
    }
  });
});

describe("a line-based chat protocol", () => {
  const script = "hi\nNICK ann\nQUIT\n";

  it("against a StringTransport answers line by line at every chunk size", () => {
    for (let size = 1; size <= script.length; size++) {
      const transport = new StringTransportWithDisconnection();
      const chat = chatFactory().buildProtocol(transport.getPeer()) as Chat;
      chat.makeConnection(transport);
      transport.protocol = chat;
      feedInChunks(chat, Buffer.from(script), size);
      assert.equal(transport.value().toString(), "ERROR say NICK first\nWELCOME ann\nBYE\n", `chunk size ${size}`);
      assert.equal(transport.disconnecting, true);
      assert.equal(chat.connected, false);
    }
  });

  it("ignores lines that arrive in the same chunk after QUIT closed the connection", () => {
    const transport = new StringTransportWithDisconnection();
    const chat = chatFactory().buildProtocol(transport.getPeer()) as Chat;
    chat.makeConnection(transport);
    transport.protocol = chat;
    chat.dataReceived(Buffer.from("NICK ann\nQUIT\nlost words\n"));
    assert.equal(transport.value().toString(), "WELCOME ann\nBYE\n");
    assert.equal(transport.loseConnectionCalls, 1);
  });

  it("through connectedServerAndClient relays messages between two clients at chunk sizes 1..N", () => {
    for (let chunkSize = 1; chunkSize <= MAX_CHUNK; chunkSize++) {
      const factory = chatFactory();
      const ann = connectedServerAndClient(factory, collectorFactory("NICK ann\n"), { chunkSize });
      const bob = connectedServerAndClient(factory, collectorFactory("NICK bob\n"), { chunkSize });
      ann.client.transport?.write(Buffer.from("hello bob\nhow are you?\n"));
      ann.pump.flush();
      bob.pump.flush();
      bob.client.transport?.write(Buffer.from("fine\nQUIT\n"));
      bob.pump.flush();
      ann.pump.flush();
      const at = `chunk size ${chunkSize}`;
      assert.equal(ann.client.received, "WELCOME ann\n<bob> fine\n", at);
      assert.equal(bob.client.received, "WELCOME bob\n<ann> hello bob\n<ann> how are you?\nBYE\n", at);
      assert.equal(bob.client.lostWith, "ConnectionDone", at);
      assert.equal(ann.client.lostWith, null, at);
      assert.deepEqual(
        [...factory.room].map((c) => c.name),
        ["ann"],
        at,
      );
    }
  });
});
