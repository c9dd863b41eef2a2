/**
 * The stream-transport contract: behaviour every Torsion stream transport (TCP, Unix, the
 * in-memory transport of @torsion/testing) must show. Run it with
 * `describeStreamTransport(name, makePair)`.
 */
import { describe, it as test, type TestOptions } from "node:test";
import assert from "node:assert/strict";
import {
  ConnectionAborted,
  ConnectionClosed,
  ConnectionDone,
  type IProducer,
  type IProtocol,
  type IPullProducer,
  type IPushProducer,
  type ITCPTransport,
} from "@torsion/core";
import { HalfCloseRecorder, pattern, Recorder } from "./helpers.js";

/** Two connected ends, each running the protocol given to the pair maker. */
export interface StreamPair {
  /**
   * Waits until `until()` is true: real sockets wait for events; an in-memory pair pumps.
   * Rejects when it does not become true in bounded time (or the pump runs dry).
   */
  settle(until: () => boolean): Promise<void>;
  /** Lets events run for a short, bounded while (to check that something did NOT happen). */
  idle(): Promise<void>;
  /** Closes everything that is still open (ports, connections). */
  close(): Promise<void>;
}

/**
 * Connects `client` to `server` over the transport under test; resolves once both
 * protocols got `connectionMade`.
 */
export type MakeStreamPair = (server: IProtocol, client: IProtocol) => Promise<StreamPair>;

function transportOf(protocol: Recorder): ITCPTransport {
  const transport = protocol.transport;
  assert.ok(transport !== null, "protocol has a transport");
  return transport;
}

async function withPair(
  make: MakeStreamPair,
  server: Recorder,
  client: Recorder,
  body: (pair: StreamPair) => Promise<void>,
): Promise<void> {
  const pair = await make(server, client);
  try {
    await body(pair);
  } finally {
    await pair.close();
  }
}

const bothLost = (a: Recorder, b: Recorder) => () => a.lostCount > 0 && b.lostCount > 0;

/** Options of {@link describeStreamTransport}. */
export interface StreamContractOptions {
  /**
   * Clauses this transport cannot be held to, by exact test title, each with the reason
   * (shown as the skip message). Naming a title that is not a clause throws, so a renamed
   * clause is not skipped by accident.
   */
  readonly skip?: Readonly<Record<string, string>>;
}

let skips: Readonly<Record<string, string>> = {};
const clauseTitles = new Set<string>();

type ClauseBody = () => Promise<void> | void;

/** `it`, unless the transport under test skips this clause (see {@link StreamContractOptions.skip}). */
function it(title: string, optionsOrFn: TestOptions | ClauseBody, maybeFn?: ClauseBody): void {
  const options = typeof optionsOrFn === "function" ? {} : optionsOrFn;
  const fn = typeof optionsOrFn === "function" ? optionsOrFn : (maybeFn as ClauseBody);
  clauseTitles.add(title);
  const reason = skips[title];
  test(title, reason === undefined ? options : { ...options, skip: reason }, fn);
}

/** Registers the contract tests for one stream transport. */
export function describeStreamTransport(name: string, make: MakeStreamPair, options: StreamContractOptions = {}): void {
  describe(`stream transport contract: ${name}`, () => {
    skips = options.skip ?? {};
    clauseTitles.clear();
    describeWriting(make);
    describeClosing(make);
    describeDisconnecting(make);
    describeHalfClose(make);
    describeProducers(make);
    const unknown = Object.keys(skips).filter((title) => !clauseTitles.has(title));
    skips = {};
    if (unknown.length > 0) throw new Error(`no such contract clause to skip: ${unknown.join(", ")}`);
  });
}

function describeWriting(make: MakeStreamPair): void {
  it("delivers written bytes in order in both directions", async () => {
    const server = new Recorder();
    const client = new Recorder();
    await withPair(make, server, client, async (pair) => {
      const up = pattern(100_000, 3);
      const down = pattern(70_000, 4);
      transportOf(client).write(up.subarray(0, 10));
      transportOf(client).write(up.subarray(10));
      transportOf(server).write(down);
      await pair.settle(() => server.received === up.length && client.received === down.length);
      assert.deepEqual(server.bytes(), up);
      assert.deepEqual(client.bytes(), down);
    });
  });

  it("writeSequence delivers every buffer in order as one stream", async () => {
    const server = new Recorder();
    const client = new Recorder();
    await withPair(make, server, client, async (pair) => {
      const parts = [Buffer.from("alpha "), new Uint8Array(0), Buffer.from("beta "), new Uint8Array([103, 97, 109, 109, 97])];
      transportOf(client).writeSequence(parts);
      transportOf(client).writeSequence(new Set([Buffer.from("!")]));
      await pair.settle(() => server.received === 17);
      assert.equal(server.bytes().toString(), "alpha beta gamma!");
    });
  });

  it("rejects strings and other non-bytes with TypeError and sends nothing", async () => {
    const server = new Recorder();
    const client = new Recorder();
    await withPair(make, server, client, async (pair) => {
      const t = transportOf(client);
      assert.throws(() => t.write("text" as unknown as Uint8Array), TypeError);
      assert.throws(() => t.write(null as unknown as Uint8Array), TypeError);
      assert.throws(() => t.writeSequence([Buffer.from("a"), "b" as unknown as Uint8Array]), TypeError);
      t.write(Buffer.from("ok"));
      await pair.settle(() => server.received >= 2);
      await pair.idle();
      assert.equal(server.bytes().toString(), "ok");
    });
  });

  it("pauseProducing stops delivery and resumeProducing delivers what was held back", async () => {
    const server = new Recorder();
    const client = new Recorder();
    await withPair(make, server, client, async (pair) => {
      transportOf(server).pauseProducing();
      transportOf(client).write(Buffer.from("held"));
      await pair.idle();
      assert.equal(server.received, 0);
      transportOf(server).resumeProducing();
      await pair.settle(() => server.received === 4);
      assert.equal(server.bytes().toString(), "held");
    });
  });
}

function describeClosing(make: MakeStreamPair): void {
  it("loseConnection flushes queued bytes, then both ends get ConnectionDone exactly once", async () => {
    const server = new Recorder();
    const client = new Recorder();
    await withPair(make, server, client, async (pair) => {
      const data = pattern(300_000, 5);
      transportOf(client).write(data);
      transportOf(client).loseConnection();
      transportOf(client).loseConnection();
      transportOf(client).write(Buffer.from("ignored after loseConnection"));
      await pair.settle(bothLost(server, client));
      await pair.idle();
      assert.deepEqual(server.bytes(), data);
      assert.ok(client.reason?.value instanceof ConnectionDone, `client reason ${String(client.reason?.value)}`);
      assert.ok(server.reason?.value instanceof ConnectionDone, `server reason ${String(server.reason?.value)}`);
      assert.equal(client.lostCount, 1);
      assert.equal(server.lostCount, 1);
      assert.deepEqual(client.events, ["connectionMade", "connectionLost"]);
    });
  });

  it("a peer FIN closes a protocol that is not half-closeable with ConnectionDone", async () => {
    const server = new Recorder();
    const client = new HalfCloseRecorder();
    await withPair(make, server, client, async (pair) => {
      transportOf(client).write(Buffer.from("last words"));
      transportOf(client).loseWriteConnection();
      await pair.settle(bothLost(server, client));
      assert.equal(server.bytes().toString(), "last words");
      assert.ok(server.reason?.value instanceof ConnectionDone);
      assert.equal(server.lostCount, 1);
      assert.equal(client.lostCount, 1);
    });
  });

  it("abortConnection drops pending output and reports ConnectionAborted locally", async () => {
    const server = new Recorder();
    const client = new Recorder();
    await withPair(make, server, client, async (pair) => {
      transportOf(client).pauseProducing();
      const big = pattern(8 * 1024 * 1024, 6);
      transportOf(server).write(big);
      transportOf(server).abortConnection();
      transportOf(server).abortConnection();
      transportOf(server).write(Buffer.from("ignored"));
      transportOf(client).resumeProducing();
      await pair.settle(bothLost(server, client));
      assert.ok(server.reason?.value instanceof ConnectionAborted, `server reason ${String(server.reason?.value)}`);
      assert.ok(client.reason?.value instanceof ConnectionClosed, `client reason ${String(client.reason?.value)}`);
      assert.ok(client.received < big.length, "not every pending byte was delivered");
      assert.equal(server.lostCount, 1);
      assert.equal(client.lostCount, 1);
    });
  });
}

function describeDisconnecting(make: MakeStreamPair): void {
  it("disconnecting is false while open and true from the first loseConnection on, until and after the close", async () => {
    const server = new Recorder();
    const client = new Recorder();
    await withPair(make, server, client, async (pair) => {
      const t = transportOf(client);
      assert.equal(t.disconnecting, false);
      assert.equal(transportOf(server).disconnecting, false);
      t.write(pattern(200_000, 8));
      t.loseConnection();
      assert.equal(t.disconnecting, true, "at once, while output is still queued");
      await pair.settle(bothLost(server, client));
      assert.equal(t.disconnecting, true, "still true after the close");
      assert.equal(transportOf(server).disconnecting, true, "the peer's transport, closed by the peer, is disconnecting too");
    });
  });

  it("disconnecting is true at once after abortConnection, and while loseConnection waits for a producer", async () => {
    const server = new Recorder();
    const client = new Recorder();
    await withPair(make, server, client, async (pair) => {
      const t = transportOf(client);
      t.registerProducer(new PushSource(), true);
      t.loseConnection();
      assert.equal(t.disconnecting, true, "while the producer holds the close back");
      const s = transportOf(server);
      s.abortConnection();
      assert.equal(s.disconnecting, true);
      await pair.settle(bothLost(server, client));
      assert.equal(s.disconnecting, true);
    });
  });

  it("delivers nothing more once the protocol called loseConnection from dataReceived", async () => {
    const server = new Recorder();
    const client = new Recorder();
    server.onData = () => transportOf(server).loseConnection();
    await withPair(make, server, client, async (pair) => {
      transportOf(client).write(Buffer.from("first"));
      await pair.settle(() => server.received > 0);
      transportOf(client).write(Buffer.from("after close"));
      await pair.settle(() => server.lostCount === 1);
      assert.equal(server.chunks.length, 1, "one chunk only");
      assert.ok(transportOf(server).disconnecting);
    });
  });
}

function describeHalfClose(make: MakeStreamPair): void {
  it("half-close: the half-closeable peer gets readConnectionLost and can still answer", async () => {
    const server = new HalfCloseRecorder();
    const client = new HalfCloseRecorder();
    await withPair(make, server, client, async (pair) => {
      transportOf(client).write(Buffer.from("question"));
      transportOf(client).loseWriteConnection();
      await pair.settle(() => server.halfEvents.includes("readConnectionLost") && client.halfEvents.includes("writeConnectionLost"));
      assert.equal(server.bytes().toString(), "question");
      assert.equal(server.lostCount, 0);
      transportOf(client).write(Buffer.from("ignored: write side is shut"));
      transportOf(server).write(Buffer.from("answer"));
      await pair.settle(() => client.received === 6);
      assert.equal(client.bytes().toString(), "answer");
      transportOf(server).loseConnection();
      await pair.settle(bothLost(server, client));
      assert.equal(server.bytes().toString(), "question");
      assert.ok(server.reason?.value instanceof ConnectionDone);
      assert.ok(client.reason?.value instanceof ConnectionDone);
      assert.deepEqual(client.halfEvents, ["writeConnectionLost", "readConnectionLost"]);
    });
  });

  it("half-close in the other direction: the server shuts its write side", async () => {
    const server = new HalfCloseRecorder();
    const client = new HalfCloseRecorder();
    await withPair(make, server, client, async (pair) => {
      transportOf(server).write(Buffer.from("banner"));
      transportOf(server).loseWriteConnection();
      await pair.settle(() => client.halfEvents.includes("readConnectionLost"));
      assert.equal(client.bytes().toString(), "banner");
      transportOf(client).write(Buffer.from("reply"));
      await pair.settle(() => server.received === 5);
      transportOf(client).loseConnection();
      await pair.settle(bothLost(server, client));
      assert.ok(server.halfEvents.includes("writeConnectionLost"));
      assert.equal(server.lostCount, 1);
    });
  });
}

class PullSource implements IPullProducer {
  resumed = 0;
  stopped = 0;
  constructor(
    private readonly transport: ITCPTransport,
    private readonly chunks: Buffer[],
  ) {}
  resumeProducing(): void {
    this.resumed++;
    const chunk = this.chunks.shift();
    if (chunk === undefined) this.transport.unregisterProducer();
    else this.transport.write(chunk);
  }
  stopProducing(): void {
    this.stopped++;
  }
}

class PushSource implements IPushProducer {
  paused = 0;
  resumedCount = 0;
  stopped = 0;
  pausedNow = false;
  pauseProducing(): void {
    this.paused++;
    this.pausedNow = true;
  }
  resumeProducing(): void {
    this.resumedCount++;
    this.pausedNow = false;
  }
  stopProducing(): void {
    this.stopped++;
  }
}

function describeProducers(make: MakeStreamPair): void {
  it("a pull producer is asked for a chunk each time the buffer drains, until it unregisters", async () => {
    const server = new Recorder();
    const client = new Recorder();
    await withPair(make, server, client, async (pair) => {
      const chunks = Array.from({ length: 20 }, (_, i) => pattern(5000, i + 10));
      const expected = Buffer.concat(chunks);
      const source = new PullSource(transportOf(client), [...chunks]);
      transportOf(client).registerProducer(source, false);
      await pair.settle(() => server.received === expected.length && source.resumed === 21);
      assert.deepEqual(server.bytes(), expected);
      assert.equal(source.stopped, 0);
    });
  });

  it("loseConnection waits for a registered producer to unregister, then flushes and closes", async () => {
    const server = new Recorder();
    const client = new Recorder();
    await withPair(make, server, client, async (pair) => {
      const source = new PushSource();
      const t = transportOf(client);
      t.registerProducer(source, true);
      t.write(Buffer.from("one "));
      t.loseConnection();
      t.write(Buffer.from("two "));
      await pair.idle();
      assert.equal(client.lostCount, 0, "still open while the producer is registered");
      t.write(Buffer.from("three"));
      t.unregisterProducer();
      t.write(Buffer.from(" ignored"));
      await pair.settle(bothLost(server, client));
      assert.equal(server.bytes().toString(), "one two three");
      assert.ok(client.reason?.value instanceof ConnectionDone);
      assert.equal(source.stopped, 0);
    });
  });

  it("only one producer at a time; a producer is stopped when the connection closes", async () => {
    const server = new Recorder();
    const client = new Recorder();
    await withPair(make, server, client, async (pair) => {
      const source = new PushSource();
      const t = transportOf(client);
      t.registerProducer(source, true);
      assert.throws(() => t.registerProducer(new PushSource(), true));
      transportOf(server).loseConnection();
      await pair.settle(bothLost(server, client));
      assert.equal(source.stopped, 1);
      const late: IProducer & { stopped: number } = {
        stopped: 0,
        stopProducing() {
          this.stopped++;
        },
      };
      t.registerProducer(late, true);
      assert.equal(late.stopped, 1, "registering on a closed transport stops the producer at once");
    });
  });

  it("a streaming producer is paused when the peer stops reading and resumed when it drains", async () => {
    const server = new Recorder();
    const client = new Recorder();
    await withPair(make, server, client, async (pair) => {
      transportOf(client).pauseProducing();
      const t = transportOf(server);
      const source = new PushSource();
      t.registerProducer(source, true);
      const chunk = pattern(16 * 1024, 7);
      let sent = 0;
      for (let i = 0; i < 4000 && !source.pausedNow; i++) {
        t.write(chunk);
        sent += chunk.length;
        if (i % 16 === 15) await pair.idle();
      }
      assert.ok(source.pausedNow, "the producer was paused");
      assert.ok(sent < 4000 * chunk.length, "writing stopped before the bound");
      transportOf(client).resumeProducing();
      await pair.settle(() => source.resumedCount >= 1 && client.received === sent);
      assert.equal(source.paused, source.resumedCount);
      t.unregisterProducer();
    });
  });
}
