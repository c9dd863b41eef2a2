/**
 * Async frame handlers over real loopback TCP, through the NodeReactor: for every
 * receiver on the framing driver, a handler whose promise rejects is handled exactly like
 * a synchronous throw. The error is reported once through the reactor's error reporter,
 * that connection alone is aborted with the error as its `connectionLost` reason, and a
 * second connection to the same server goes on being served.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Failure } from "@torsion/defer";
import { ClientFactory, Factory, Protocol, type CallbackResult, type IAddress, type IProtocol, type ITCPTransport } from "@torsion/core";
import { NodeReactor } from "@torsion/reactor";
import {
  Int16StringReceiver,
  Int32StringReceiver,
  Int8StringReceiver,
  LineOnlyReceiver,
  LineReceiver,
  NetstringReceiver,
} from "@torsion/protocols";

const WAIT_MS = 10_000;

/** Resolves once `condition()` holds; rejects naming `what` after WAIT_MS. */
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > WAIT_MS) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** What the server protocols share: the frames seen, how the connection ended. */
interface Served {
  readonly seen: string[];
  lost: Failure | null;
}

/**
 * The server's handler: `fail` rejects (after a turn of the event loop, so the read that
 * carried it has long returned), anything else is echoed back framed by `reply`.
 */
async function serve(served: Served, frame: Buffer, failure: Error, reply: (m: Buffer) => void): Promise<void> {
  const text = frame.toString("latin1");
  served.seen.push(text);
  await new Promise((resolve) => setImmediate(resolve));
  if (text === "fail") throw failure;
  reply(frame);
}

const crlf = (m: string): Buffer => Buffer.from(`${m}\r\n`, "latin1");
const netstring = (m: string): Buffer => Buffer.from(`${m.length}:${m},`, "latin1");
const prefixed =
  (size: 1 | 2 | 4) =>
  (m: string): Buffer => {
    const frame = Buffer.alloc(size + m.length);
    frame.writeUIntBE(m.length, 0, size);
    frame.write(m, size, "latin1");
    return frame;
  };

type ServerProtocol = IProtocol & Served & { readonly transportOrNull: ITCPTransport | null };

/** Builds one server class per receiver, all failing with `failure`. */
function servers(failure: Error): readonly { name: string; encode: (m: string) => Buffer; make: () => ServerProtocol }[] {
  class Lines extends LineReceiver implements Served {
    readonly seen: string[] = [];
    lost: Failure | null = null;
    override lineReceived(line: Buffer): Promise<void> {
      return serve(this, line, failure, (m) => this.sendLine(m));
    }
    override connectionLost(reason: Failure): CallbackResult {
      this.lost = reason;
      return super.connectionLost(reason);
    }
  }
  class LinesOnly extends LineOnlyReceiver implements Served {
    readonly seen: string[] = [];
    lost: Failure | null = null;
    override lineReceived(line: Buffer): Promise<void> {
      return serve(this, line, failure, (m) => this.sendLine(m));
    }
    override connectionLost(reason: Failure): CallbackResult {
      this.lost = reason;
      return super.connectionLost(reason);
    }
  }
  class Netstrings extends NetstringReceiver implements Served {
    readonly seen: string[] = [];
    lost: Failure | null = null;
    override stringReceived(data: Buffer): Promise<void> {
      return serve(this, data, failure, (m) => this.sendString(m));
    }
    override connectionLost(reason: Failure): CallbackResult {
      this.lost = reason;
      return super.connectionLost(reason);
    }
  }
  class Int8 extends Int8StringReceiver implements Served {
    readonly seen: string[] = [];
    lost: Failure | null = null;
    override stringReceived(data: Buffer): Promise<void> {
      return serve(this, data, failure, (m) => this.sendString(m));
    }
    override connectionLost(reason: Failure): CallbackResult {
      this.lost = reason;
      return super.connectionLost(reason);
    }
  }
  class Int16 extends Int16StringReceiver implements Served {
    readonly seen: string[] = [];
    lost: Failure | null = null;
    override stringReceived(data: Buffer): Promise<void> {
      return serve(this, data, failure, (m) => this.sendString(m));
    }
    override connectionLost(reason: Failure): CallbackResult {
      this.lost = reason;
      return super.connectionLost(reason);
    }
  }
  class Int32 extends Int32StringReceiver implements Served {
    readonly seen: string[] = [];
    lost: Failure | null = null;
    override stringReceived(data: Buffer): Promise<void> {
      return serve(this, data, failure, (m) => this.sendString(m));
    }
    override connectionLost(reason: Failure): CallbackResult {
      this.lost = reason;
      return super.connectionLost(reason);
    }
  }
  return [
    { name: "LineReceiver", encode: crlf, make: () => new Lines() },
    { name: "LineOnlyReceiver", encode: crlf, make: () => new LinesOnly() },
    { name: "NetstringReceiver", encode: netstring, make: () => new Netstrings() },
    { name: "Int8StringReceiver", encode: prefixed(1), make: () => new Int8() },
    { name: "Int16StringReceiver", encode: prefixed(2), make: () => new Int16() },
    { name: "Int32StringReceiver", encode: prefixed(4), make: () => new Int32() },
  ];
}

/** Keeps every server protocol it builds, in order. */
class Keeping extends Factory {
  readonly built: ServerProtocol[] = [];
  readonly #make: () => ServerProtocol;
  constructor(make: () => ServerProtocol) {
    super();
    this.#make = make;
  }
  override buildProtocol(addr: IAddress): IProtocol {
    const protocol = this.#make();
    this.built.push(protocol);
    return protocol;
  }
}

/** A raw client: counts the bytes it got back, records how it ended. */
class Client extends Protocol {
  received = Buffer.alloc(0);
  lost: Failure | null = null;
  override dataReceived(data: Buffer): void {
    this.received = Buffer.concat([this.received, data]);
  }
  override connectionLost(reason: Failure): void {
    this.lost = reason;
  }
}

class OneClient extends ClientFactory {
  readonly client = new Client();
  override buildProtocol(addr: IAddress): IProtocol {
    return this.client;
  }
}

describe("async frame handlers over loopback TCP", () => {
  const failure = new Error("the async handler rejected");
  for (const kind of servers(failure)) {
    it(`${kind.name}: a rejected handler is reported once and aborts only its own connection`, async () => {
      const reports: Failure[] = [];
      const reactor = new NodeReactor({ installSignalHandlers: false, errorReporter: (reported) => reports.push(reported) });
      const factory = new Keeping(kind.make);
      const port = reactor.listenTCP(0, factory, { interface: "127.0.0.1" });
      const good = new OneClient();
      const bad = new OneClient();
      try {
        const number = port.getHost().port;
        reactor.connectTCP("127.0.0.1", number, good);
        await waitFor(() => good.client.connected && factory.built.length === 1, "the first connection");
        reactor.connectTCP("127.0.0.1", number, bad);
        await waitFor(() => bad.client.connected && factory.built.length === 2, "the second connection");
        const [goodServer, badServer] = factory.built as [ServerProtocol, ServerProtocol];

        good.client.transport.write(kind.encode("one"));
        bad.client.transport.write(Buffer.concat([kind.encode("fail"), kind.encode("after")]));
        await waitFor(() => badServer.lost !== null && bad.client.lost !== null, "the failing connection to close");
        await waitFor(() => good.client.received.equals(kind.encode("one")), "the first echo");

        assert.equal(badServer.lost?.value, failure, "connectionLost's reason is the rejection");
        assert.equal(reports.length, 1);
        assert.equal(reports[0]?.value, failure);
        assert.equal(bad.client.received.length, 0, "the frame after the failing one was never answered");

        good.client.transport.write(kind.encode("two"));
        await waitFor(() => good.client.received.equals(Buffer.concat([kind.encode("one"), kind.encode("two")])), "the second echo");
        assert.equal(goodServer.lost, null);
        assert.deepEqual(goodServer.seen, ["one", "two"]);
        good.client.transport.loseConnection();
        await waitFor(() => goodServer.lost !== null, "the good connection to close");
        assert.equal(reports.length, 1);
      } finally {
        // A failed run must not leave sockets keeping the test process alive.
        for (const protocol of [good.client, bad.client, ...factory.built]) protocol.transportOrNull?.abortConnection();
        await port.stopListening().asPromise();
      }
    });
  }
});
