import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Failure, setErrorReporter } from "@torsion/defer";
import { ConnectionDone, DecodeError, Protocol, type IDecoder } from "@torsion/core";
import { StringTransport, StringTransportWithDisconnection } from "@torsion/testing";
import { FramingDriver, type FramingDriverOptions } from "@torsion/protocols";
import { assertSameAtEveryChunkSize } from "./sweep.js";

/** A message longer than the decoder's limit. */
class MessageTooLongError extends DecodeError {
  override name = "MessageTooLongError";
  override readonly code = "ERR_MESSAGE_TOO_LONG";
}

/**
 * The decoder of the driver's documentation: NUL-terminated messages, at most `limit`
 * bytes. Chunks are kept by reference with a read offset; a message inside one chunk is
 * a view of it, one spanning chunks is copied once; each byte is searched once.
 */
class NulDecoder implements IDecoder<Buffer> {
  readonly limit: number;
  #chunks: Buffer[] = [];
  #offset = 0;
  #partial: Buffer[] = [];
  #partialLength = 0;
  #finished = false;

  constructor(limit = 100) {
    this.limit = limit;
  }

  feed(chunk: Uint8Array): void {
    if (!this.#finished && chunk.length > 0) this.#chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  next(): Buffer | undefined {
    for (;;) {
      const chunk = this.#chunks[0];
      if (chunk === undefined) {
        if (this.#finished) this.#partial = [];
        return undefined;
      }
      const end = chunk.indexOf(0, this.#offset);
      const stop = end < 0 ? chunk.length : end;
      if (this.#partialLength + (stop - this.#offset) > this.limit)
        throw new MessageTooLongError(`a message is longer than ${this.limit} bytes`);
      if (end < 0) {
        this.#partial.push(chunk.subarray(this.#offset));
        this.#partialLength += chunk.length - this.#offset;
        this.#advance();
        continue;
      }
      const piece = chunk.subarray(this.#offset, end);
      this.#offset = end + 1;
      if (this.#offset === chunk.length) this.#advance();
      if (this.#partialLength === 0) return piece;
      const message = Buffer.concat([...this.#partial, piece]);
      this.#partial = [];
      this.#partialLength = 0;
      return message;
    }
  }

  finish(): void {
    this.#finished = true;
  }

  get bufferedLength(): number {
    return this.#chunks.reduce((sum, chunk) => sum + chunk.length, this.#partialLength - this.#offset);
  }

  #advance(): void {
    this.#chunks.shift();
    this.#offset = 0;
  }
}

/** The documentation's example protocol, recording what it sees. */
class NulProtocol extends Protocol {
  readonly seen: string[] = [];
  readonly framing: FramingDriver<Buffer>;
  onMessage: (message: string, protocol: NulProtocol) => void = () => {};

  constructor(options: Partial<FramingDriverOptions<Buffer>> = {}, decoder: () => IDecoder<Buffer> = () => new NulDecoder()) {
    super();
    this.framing = new FramingDriver(this, decoder, { deliver: (message: Buffer) => this.messageReceived(message), ...options });
  }

  override dataReceived(data: Buffer): void {
    this.framing.dataReceived(data);
  }

  override connectionLost(reason: Failure): void {
    this.framing.connectionLost();
  }

  messageReceived(message: Buffer): void {
    const text = message.toString("latin1");
    this.seen.push(text);
    if (text === "QUIT") this.transport?.loseConnection();
    this.onMessage(text, this);
  }
}

function connected(protocol: NulProtocol): StringTransport {
  const transport = new StringTransport();
  protocol.makeConnection(transport);
  return transport;
}

const nul = (...messages: string[]): Buffer => Buffer.from(messages.map((m) => `${m}\0`).join(""), "latin1");

describe("FramingDriver", () => {
  it("delivers every frame a chunk completes, in order, and the same frames at every chunk size", () => {
    const result = assertSameAtEveryChunkSize(nul("one", "", "three", "four"), (chunks) => {
      const protocol = new NulProtocol();
      connected(protocol);
      for (const chunk of chunks) protocol.dataReceived(chunk);
      return protocol.seen;
    });
    assert.deepEqual(result, ["one", "", "three", "four"]);
  });

  it("hands frames lying inside one chunk over as views of that chunk", () => {
    const views: Buffer[] = [];
    const protocol = new NulProtocol({ deliver: (message) => views.push(message) });
    connected(protocol);
    const chunk = nul("ab", "cd");
    protocol.dataReceived(chunk);
    assert.equal(views.length, 2);
    for (const view of views) assert.equal(view.buffer, chunk.buffer);
  });

  it("stops delivering the moment transport.disconnecting is true and drops bytes received afterwards", () => {
    const protocol = new NulProtocol();
    const transport = connected(protocol);
    protocol.dataReceived(nul("A", "QUIT", "DELETE", "C"));
    assert.deepEqual(protocol.seen, ["A", "QUIT"]);
    assert.equal(transport.disconnecting, true);
    protocol.dataReceived(nul("LATER"));
    assert.deepEqual(protocol.seen, ["A", "QUIT"]);
  });

  it("delivers nothing while the transport is disconnecting for a reason of its own", () => {
    const protocol = new NulProtocol();
    const transport = connected(protocol);
    transport.disconnecting = true;
    protocol.dataReceived(nul("A"));
    assert.deepEqual(protocol.seen, []);
  });

  it("pauseProducing holds complete frames and pauses the transport; resumeProducing resumes it and delivers them", () => {
    const protocol = new NulProtocol();
    protocol.onMessage = (text, p) => {
      if (text === "PAUSE") p.framing.pauseProducing();
    };
    const transport = connected(protocol);
    protocol.dataReceived(nul("PAUSE", "B", "C"));
    assert.deepEqual(protocol.seen, ["PAUSE"]);
    assert.equal(transport.producerState, "paused");
    assert.equal(protocol.framing.paused, true);
    protocol.dataReceived(nul("D"));
    assert.deepEqual(protocol.seen, ["PAUSE"], "chunks in flight are queued, not delivered");
    assert.equal(protocol.framing.bufferedLength, 6);
    protocol.framing.resumeProducing();
    assert.equal(transport.producerState, "producing");
    assert.deepEqual(protocol.seen, ["PAUSE", "B", "C", "D"]);
    assert.equal(protocol.framing.bufferedLength, 0);
  });

  it("resumeProducing called from a handler lets the outer call go on delivering, without nesting", () => {
    let depth = 0;
    let maxDepth = 0;
    const protocol = new NulProtocol();
    protocol.onMessage = (text, p) => {
      depth += 1;
      maxDepth = Math.max(maxDepth, depth);
      if (text === "PAUSE") p.framing.pauseProducing();
      if (text === "PAUSE") p.framing.resumeProducing();
      depth -= 1;
    };
    connected(protocol);
    protocol.dataReceived(nul("PAUSE", "B"));
    assert.deepEqual(protocol.seen, ["PAUSE", "B"]);
    assert.equal(maxDepth, 1);
  });

  it("stopProducing stays paused for good and stops the transport", () => {
    const protocol = new NulProtocol();
    const transport = connected(protocol);
    protocol.framing.stopProducing();
    protocol.dataReceived(nul("A"));
    assert.deepEqual(protocol.seen, []);
    assert.equal(transport.producerState, "stopped");
    assert.equal(protocol.framing.paused, true);
  });

  it("dataReceived from inside a handler only appends: frames stay in order and handlers never nest", () => {
    let depth = 0;
    let maxDepth = 0;
    const protocol = new NulProtocol();
    protocol.onMessage = (text, p) => {
      depth += 1;
      maxDepth = Math.max(maxDepth, depth);
      if (text === "INJECT") p.dataReceived(nul("INJECTED"));
      depth -= 1;
    };
    connected(protocol);
    protocol.dataReceived(nul("INJECT", "AFTER"));
    assert.deepEqual(protocol.seen, ["INJECT", "AFTER", "INJECTED"]);
    assert.equal(maxDepth, 1);
  });

  it("a DecodeError closes cleanly with loseConnection, tells decodeFailed once, is kept, and is not reported", () => {
    const reported: unknown[] = [];
    const previous = setErrorReporter((failure) => reported.push(failure.value));
    try {
      const failures: DecodeError[] = [];
      const protocol = new NulProtocol({ decodeFailed: (error) => failures.push(error) }, () => new NulDecoder(4));
      const transport = connected(protocol);
      protocol.dataReceived(Buffer.from("ok\0toolong\0after\0", "latin1"));
      assert.deepEqual(protocol.seen, ["ok"]);
      assert.equal(failures.length, 1);
      assert.ok(failures[0] instanceof MessageTooLongError);
      assert.equal(protocol.framing.decodeError, failures[0]);
      assert.equal(transport.loseConnectionCalls, 1);
      transport.disconnecting = false;
      protocol.dataReceived(nul("x"));
      assert.deepEqual(protocol.seen, ["ok"], "a broken decoder is never used again");
      assert.equal(protocol.framing.bufferedLength, 0);
      assert.equal(failures.length, 1);
      assert.deepEqual(reported, []);
    } finally {
      setErrorReporter(previous);
    }
  });

  it("lets a reply written in decodeFailed go out before the close", () => {
    const protocol = new NulProtocol(
      { decodeFailed: (error) => protocol.transport?.write(Buffer.from(`ERR ${error.code}`)) },
      () => new NulDecoder(2),
    );
    const transport = new StringTransportWithDisconnection();
    transport.protocol = protocol;
    protocol.makeConnection(transport);
    protocol.dataReceived(Buffer.from("abc"));
    assert.equal(transport.value().toString(), "ERR ERR_MESSAGE_TOO_LONG");
    assert.equal(transport.disconnecting, true);
  });

  it("lets an exception from the decoder that is not a DecodeError propagate (a bug, for the transport to report)", () => {
    const broken: IDecoder<Buffer> = {
      feed: () => {},
      next: () => {
        throw new RangeError("decoder bug");
      },
      finish: () => {},
      bufferedLength: 0,
    };
    const protocol = new NulProtocol({}, () => broken);
    const transport = connected(protocol);
    assert.throws(() => protocol.dataReceived(Buffer.from("x")), RangeError);
    assert.equal(transport.disconnecting, false);
    assert.equal(protocol.framing.decodeError, null);
  });

  it("lets a handler's exception propagate, and the next dataReceived delivers again (the driver is not left busy)", () => {
    const protocol = new NulProtocol();
    protocol.onMessage = (text) => {
      if (text === "THROW") throw new TypeError("handler bug");
    };
    connected(protocol);
    assert.throws(() => protocol.dataReceived(nul("THROW", "B")), TypeError);
    protocol.dataReceived(nul("C"));
    assert.deepEqual(protocol.seen, ["THROW", "B", "C"]);
  });

  it("connectionLost finishes the decoder and by default drops what is held, even frames held while paused", () => {
    const protocol = new NulProtocol();
    protocol.onMessage = (text, p) => {
      if (text === "PAUSE") p.framing.pauseProducing();
    };
    const transport = new StringTransportWithDisconnection();
    transport.protocol = protocol;
    protocol.makeConnection(transport);
    protocol.dataReceived(Buffer.from("PAUSE\0held\0partial", "latin1"));
    protocol.connectionLost(new Failure(new ConnectionDone()));
    assert.deepEqual(protocol.seen, ["PAUSE"]);
    assert.equal(protocol.framing.bufferedLength, 0);
  });

  it("with deliverAtEnd, connectionLost delivers the frames held while paused, then what the end completes", () => {
    let finished = false;
    const decoder = new NulDecoder();
    const ending: IDecoder<Buffer> = {
      feed: (chunk) => decoder.feed(chunk),
      next: () => decoder.next() ?? (finished ? takeLast() : undefined),
      finish: () => {
        finished = true;
        decoder.finish();
      },
      get bufferedLength() {
        return decoder.bufferedLength;
      },
    };
    let last: Buffer | null = Buffer.from("the end");
    const takeLast = (): Buffer | undefined => {
      const value = last ?? undefined;
      last = null;
      return value;
    };
    const protocol = new NulProtocol({ deliverAtEnd: true }, () => ending);
    protocol.onMessage = (text, p) => {
      if (text === "PAUSE") p.framing.pauseProducing();
    };
    connected(protocol);
    protocol.dataReceived(nul("PAUSE", "held"));
    assert.deepEqual(protocol.seen, ["PAUSE"]);
    protocol.connectionLost(new Failure(new ConnectionDone()));
    assert.deepEqual(protocol.seen, ["PAUSE", "held", "the end"]);
    protocol.framing.connectionLost();
    assert.deepEqual(protocol.seen, ["PAUSE", "held", "the end"], "idempotent");
  });

  it("with deliverAtEnd, delivers nothing at the end once delivery stopped because the protocol closed", () => {
    const protocol = new NulProtocol({ deliverAtEnd: true });
    connected(protocol);
    protocol.dataReceived(nul("A", "QUIT", "DELETE"));
    protocol.connectionLost(new Failure(new ConnectionDone()));
    assert.deepEqual(protocol.seen, ["A", "QUIT"]);
  });

  it("creates a decoder given as a function on first use, after a subclass's fields are set", () => {
    class Limited extends NulProtocol {
      readonly LIMIT = 3;
      constructor() {
        super({}, () => new NulDecoder(this.LIMIT));
      }
    }
    const protocol = new Limited();
    connected(protocol);
    protocol.dataReceived(nul("abc"));
    assert.equal((protocol.framing.decoder as NulDecoder).limit, 3);
    assert.deepEqual(protocol.seen, ["abc"]);
  });

  it("delivers before makeConnection without a transport to pause or close", () => {
    const driver = new FramingDriver<Buffer>({ transportOrNull: null }, new NulDecoder(), { deliver: () => {} });
    driver.pauseProducing();
    driver.resumeProducing();
    driver.stopProducing();
    const seen: string[] = [];
    const open = new FramingDriver<Buffer>({ transportOrNull: null }, new NulDecoder(), { deliver: (m) => seen.push(m.toString()) });
    open.dataReceived(nul("x"));
    assert.deepEqual(seen, ["x"]);
  });

  it("passes its owner to deliver, so one shared function can serve every instance", () => {
    const owners: unknown[] = [];
    const deliver = (frame: Buffer, owner: { readonly transportOrNull: null }): void => void owners.push(owner, frame.toString());
    const a = { transportOrNull: null };
    const b = { transportOrNull: null };
    new FramingDriver(a, new NulDecoder(), { deliver }).dataReceived(nul("1"));
    new FramingDriver(b, new NulDecoder(), { deliver }).dataReceived(nul("2"));
    assert.deepEqual(owners, [a, "1", b, "2"]);
  });
});
