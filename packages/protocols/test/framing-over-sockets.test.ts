/**
 * Every framing protocol over real loopback TCP and Unix sockets, with the read fast path
 * on and off: no frame is delivered after the handler called `loseConnection()` (frames
 * that came in the same read included), pausing stops the transport from reading and
 * holds the frames, and re-entrant `dataReceived` only appends.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Failure } from "@torsion/defer";
import {
  ClientFactory,
  ConnectionDone,
  Factory,
  Protocol,
  type IAddress,
  type IListeningPort,
  type IPushProducer,
  type IProtocol,
  type IPv4Address,
  type ITCPTransport,
  type ITransport,
  type UNIXAddress,
} from "@torsion/core";
import { NodeReactor } from "@torsion/reactor";
import { connectTCP, listenTCP } from "@torsion/tcp";
import { connectUNIX, listenUNIX } from "@torsion/unix";
import {
  Int16StringReceiver,
  Int32StringReceiver,
  Int8StringReceiver,
  LineOnlyReceiver,
  LineReceiver,
  NetstringReceiver,
} from "@torsion/protocols";

const WAIT_MS = 10_000;

/** A promise with its resolve function. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** `promise`, or a rejection naming `what` after WAIT_MS (so a broken test fails instead of hanging). */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What every test server records, whichever framing it uses. */
interface Framed extends IProtocol {
  readonly transport: ITransport | null;
  readonly seen: string[];
  /** Sizes of the reads the transport delivered. */
  readonly reads: number[];
  maxDepth: number;
  readonly lost: Promise<Failure>;
  /** Resolved when the script paused the protocol. */
  readonly pausedByScript: { promise: Promise<void>; resolve: (value: void) => void };
  /** Only on the receivers that are push producers. */
  pauseProducing?(): void;
  resumeProducing?(): void;
}

/**
 * The servers' script: record each message; `QUIT` and `INJECTED` close the connection,
 * `INJECT` feeds `INJECTED` back through `dataReceived`, `PAUSE` pauses.
 */
function script(
  protocol: Framed & { dataReceived(data: Buffer): void },
  message: string,
  encode: (m: string) => Buffer,
  depth: number,
): void {
  protocol.seen.push(message);
  protocol.maxDepth = Math.max(protocol.maxDepth, depth);
  if (message === "QUIT" || message === "INJECTED") protocol.transport?.loseConnection();
  if (message === "INJECT") protocol.dataReceived(encode("INJECTED"));
  if (message === "PAUSE") {
    protocol.pauseProducing?.();
    protocol.pausedByScript.resolve();
  }
}

interface Kind {
  readonly name: string;
  readonly encode: (message: string) => Buffer;
  readonly make: () => Framed;
}

/** Adds the recording and the script to a framing class whose handler is `handler`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript requires `any[]` for mixin constructors
function recording<B extends new (...args: any[]) => Protocol>(Base: B) {
  abstract class Recording extends Base {
    readonly seen: string[] = [];
    readonly reads: number[] = [];
    maxDepth = 0;
    depth = 0;
    readonly #lost = signal<Failure>();
    readonly lost = this.#lost.promise;
    readonly pausedByScript = signal();
    abstract encode(message: string): Buffer;

    override dataReceived(data: Buffer): void {
      if (this.depth === 0) this.reads.push(data.length);
      super.dataReceived(data);
    }

    override connectionLost(reason: Failure): void {
      super.connectionLost(reason);
      this.#lost.resolve(reason);
    }

    handle(data: Buffer): void {
      this.depth += 1;
      try {
        script(this, data.toString("latin1"), (m) => this.encode(m), this.depth);
      } finally {
        this.depth -= 1;
      }
    }
  }
  return Recording;
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

class LineServer extends recording(LineReceiver) {
  override encode = crlf;
  override lineReceived(line: Buffer): void {
    this.handle(line);
  }
}
class LineOnlyServer extends recording(LineOnlyReceiver) {
  override encode = crlf;
  override lineReceived(line: Buffer): void {
    this.handle(line);
  }
}
class NetstringServer extends recording(NetstringReceiver) {
  override encode = netstring;
  override stringReceived(data: Buffer): void {
    this.handle(data);
  }
}
class Int8Server extends recording(Int8StringReceiver) {
  override encode = prefixed(1);
  override stringReceived(data: Buffer): void {
    this.handle(data);
  }
}
class Int16Server extends recording(Int16StringReceiver) {
  override encode = prefixed(2);
  override stringReceived(data: Buffer): void {
    this.handle(data);
  }
}
class Int32Server extends recording(Int32StringReceiver) {
  override encode = prefixed(4);
  override stringReceived(data: Buffer): void {
    this.handle(data);
  }
}

const KINDS: readonly Kind[] = [
  { name: "LineReceiver", encode: crlf, make: () => new LineServer() },
  { name: "LineOnlyReceiver", encode: crlf, make: () => new LineOnlyServer() },
  { name: "NetstringReceiver", encode: netstring, make: () => new NetstringServer() },
  { name: "Int8StringReceiver", encode: prefixed(1), make: () => new Int8Server() },
  { name: "Int16StringReceiver", encode: prefixed(2), make: () => new Int16Server() },
  { name: "Int32StringReceiver", encode: prefixed(4), make: () => new Int32Server() },
];

/** Builds one server protocol per connection and hands it out. */
class ServerFactory extends Factory {
  readonly #make: () => Framed;
  readonly built = signal<Framed>();
  constructor(make: () => Framed) {
    super();
    this.#make = make;
  }
  override buildProtocol(addr: IAddress): IProtocol {
    const protocol = this.#make();
    this.built.resolve(protocol);
    return protocol;
  }
}

/** Connects one client protocol. */
class OneClientFactory extends ClientFactory {
  readonly #protocol: IProtocol;
  readonly failed = signal<Failure>();
  constructor(protocol: IProtocol) {
    super();
    this.#protocol = protocol;
  }
  override buildProtocol(addr: IAddress): IProtocol {
    return this.#protocol;
  }
  override clientConnectionFailed(connector: unknown, reason: Failure): void {
    this.failed.resolve(reason);
  }
}

/** A client that writes `payload` in one write as soon as it is connected. */
class Sender extends Protocol {
  readonly #payload: Buffer;
  readonly #lost = signal<Failure>();
  readonly lost = this.#lost.promise;
  constructor(payload: Buffer) {
    super();
    this.#payload = payload;
  }
  override connectionMade(): void {
    this.transport?.write(this.#payload);
  }
  override connectionLost(reason: Failure): void {
    this.#lost.resolve(reason);
  }
}

/**
 * A client that writes `first`, then (from {@link start} on) streams numbered frames as a
 * push producer until the transport pauses it (the server stopped reading and the socket
 * buffers are full), then, once resumed, sends `QUIT`.
 */
class Streamer extends Protocol implements IPushProducer {
  readonly #first: Buffer;
  readonly #encode: (message: string) => Buffer;
  readonly paused = signal();
  readonly #lost = signal<Failure>();
  readonly lost = this.#lost.promise;
  sent = 0;
  #state: "waiting" | "streaming" | "paused" | "done" = "waiting";
  constructor(first: Buffer, encode: (message: string) => Buffer) {
    super();
    this.#first = first;
    this.#encode = encode;
  }
  override connectionMade(): void {
    this.transport?.registerProducer(this, true);
    this.transport?.write(this.#first);
  }
  /** Starts streaming. */
  start(): void {
    if (this.#state !== "waiting") return;
    this.#state = "streaming";
    this.#pump();
  }
  /** Writes one block of 4096 frames (about 260 KiB) per turn; bounded (128 blocks, 32 MiB). */
  #pump(): void {
    if (this.#state !== "streaming") return;
    if (this.sent >= 128 * 4096) throw new Error("the transport never pushed back");
    const frames: Buffer[] = [];
    for (let i = 0; i < 4096; i += 1) frames.push(this.#encode(`D${String(this.sent++).padStart(60, "0")}`));
    this.transport?.write(Buffer.concat(frames));
    setImmediate(() => this.#pump());
  }
  pauseProducing(): void {
    if (this.#state !== "streaming") return;
    this.#state = "paused";
    this.paused.resolve();
  }
  resumeProducing(): void {
    if (this.#state !== "paused") return;
    this.#state = "done";
    this.transport?.unregisterProducer();
    this.transport?.write(this.#encode("QUIT"));
  }
  stopProducing(): void {
    this.#state = "done";
  }
  override connectionLost(reason: Failure): void {
    this.#lost.resolve(reason);
  }
}

/** Aborts the client's connection if it is still open (after a failed assertion), so the test process can end. */
function abort(client: IProtocol): void {
  const transport = (client as { transportOrNull?: ITCPTransport | null }).transportOrNull;
  if (transport !== null && transport !== undefined && !transport.disconnecting) transport.abortConnection();
}

interface Net {
  readonly name: string;
  listen(factory: Factory): IListeningPort;
  connect(port: IListeningPort, factory: ClientFactory): void;
}

const reactor = new NodeReactor({ installSignalHandlers: false });
const socketDir = mkdtempSync(join(tmpdir(), "torsion-framing-"));
let socketCount = 0;
after(() => rmSync(socketDir, { recursive: true, force: true }));

function nets(): Net[] {
  const out: Net[] = [];
  for (const fastPath of [true, false]) {
    const path = fastPath ? "fast path" : "fast path off";
    out.push({
      name: `TCP, ${path}`,
      listen: (factory) => listenTCP(reactor, 0, factory, { interface: "127.0.0.1", fastPath }),
      connect: (port, factory) => void connectTCP(reactor, "127.0.0.1", (port.getHost() as IPv4Address).port, factory, { fastPath }),
    });
    out.push({
      name: `Unix, ${path}`,
      listen: (factory) => listenUNIX(reactor, join(socketDir, `s${(socketCount += 1)}.sock`), factory, { fastPath }),
      connect: (port, factory) => void connectUNIX(reactor, String((port.getHost() as UNIXAddress).name), factory, { fastPath }),
    });
  }
  return out;
}

/** Listens, connects `client`, and returns the server protocol once the server has lost the connection. */
async function exchange(
  net: Net,
  kind: Kind,
  client: IProtocol & { readonly lost: Promise<Failure> },
): Promise<{ server: Framed; reason: Failure }> {
  const factory = new ServerFactory(kind.make);
  const port = net.listen(factory);
  let cleanup = (): void => {};
  try {
    const clientFactory = new OneClientFactory(client);
    cleanup = () => abort(client);
    net.connect(port, clientFactory);
    const server = await within(
      Promise.race([factory.built.promise, clientFactory.failed.promise.then((f) => Promise.reject(f.value))]),
      "the connection",
    );
    const reason = await within(server.lost, "the server's connectionLost");
    await within(client.lost, "the client's connectionLost");
    return { server, reason };
  } finally {
    cleanup();
    await port.stopListening();
  }
}

for (const net of nets()) {
  describe(`framing over real sockets (${net.name})`, () => {
    for (const kind of KINDS) {
      it(`${kind.name} that closes on QUIT, sent A QUIT DELETE C in one write, receives only A and QUIT`, async () => {
        const payload = Buffer.concat(["A", "QUIT", "DELETE", "C"].map(kind.encode));
        const { server, reason } = await exchange(net, kind, new Sender(payload));
        assert.deepEqual(server.seen, ["A", "QUIT"]);
        assert.deepEqual(server.reads, [payload.length], "all four frames came in one read");
        assert.ok(reason.value instanceof ConnectionDone);
      });

      it(`${kind.name}: dataReceived from a handler only appends, in order, never nested`, async () => {
        const payload = Buffer.concat(["INJECT", "AFTER"].map(kind.encode));
        const { server } = await exchange(net, kind, new Sender(payload));
        assert.deepEqual(server.seen, ["INJECT", "AFTER", "INJECTED"]);
        assert.equal(server.maxDepth, 1);
      });

      // Pausing is the driver's, the same for every receiver: one line and one prefix class are enough.
      if (kind.name !== "LineReceiver" && kind.name !== "Int32StringReceiver") continue;

      it(`${kind.name}: pauseProducing stops the transport reading and holds the frames until resumeProducing`, async () => {
        const factory = new ServerFactory(kind.make);
        const port = net.listen(factory);
        const client = new Streamer(Buffer.concat(["PAUSE", "B"].map(kind.encode)), kind.encode);
        try {
          net.connect(port, new OneClientFactory(client));
          const server = await within(factory.built.promise, "the connection");
          await within(server.pausedByScript.promise, "the server to pause");
          client.start();
          await within(client.paused.promise, "the client to be paused by a full socket");
          assert.deepEqual(server.seen, ["PAUSE"], "nothing is delivered while paused");
          assert.equal(server.reads.length, 1, "the paused transport read nothing more");
          server.resumeProducing?.();
          const reason = await within(server.lost, "the server's connectionLost");
          assert.ok(reason.value instanceof ConnectionDone);
          assert.equal(server.seen.length, 2 + client.sent + 1);
          assert.deepEqual(server.seen.slice(0, 2), ["PAUSE", "B"]);
          assert.equal(server.seen.at(-1), "QUIT");
          const numbers = server.seen.slice(2, -1).map((m) => Number(m.slice(1)));
          assert.ok(
            numbers.every((n, i) => n === i),
            "every streamed frame, in order",
          );
          await within(client.lost, "the client's connectionLost");
        } finally {
          abort(client);
          await port.stopListening();
        }
      });
    }
  });
}
