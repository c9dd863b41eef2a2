/**
 * The borrowed and buffered read paths (`IBorrowingProtocol`, `IBufferedProtocol`) and the
 * one-write `writeSequence`, over real loopback TCP. The contract suite runs over these
 * paths too (see `stream-transport.test.ts`).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Protocol, type IBorrowingProtocol, type IBufferedProtocol } from "@torsion/core";
import type { StreamTransport } from "@torsion/stream";
import { tcpPairMaker } from "./tcp-pair.js";
import { pattern, Recorder } from "./helpers.js";

/** Echoes borrowed buffers and counts the echoes that stayed queued after the write. */
class BorrowingEcho extends Protocol implements IBorrowingProtocol {
  readonly borrowsReceivedData = true;
  queuedEchoes = 0;
  override dataReceived(data: Buffer): void {
    const transport = this.transport as StreamTransport;
    transport.write(data);
    if (transport.socket.writableLength > 0) this.queuedEchoes++;
  }
}

/** Borrows reads and records where each big one lay (it keeps nothing else). */
class BorrowingCounter extends Recorder implements IBorrowingProtocol {
  readonly borrowsReceivedData = true;
  readonly places = new Set<string>();
  bigReads = 0;
  override dataReceived(data: Buffer): void {
    super.dataReceived(Buffer.from(data));
    if (data.length >= 8192) {
      this.bigReads++;
      this.places.add(`${data.byteOffset}`);
      this.places.add(`buffer:${String(bufferIds.get(data.buffer) ?? remember(data.buffer))}`);
    }
  }
}
const bufferIds = new WeakMap<ArrayBufferLike, number>();
let nextId = 0;
function remember(buffer: ArrayBufferLike): number {
  bufferIds.set(buffer, ++nextId);
  return nextId;
}

/** A buffered protocol with one small buffer of its own. */
class SmallBuffer extends Recorder implements IBufferedProtocol {
  readonly own = Buffer.alloc(1000);
  readonly sizes: number[] = [];
  foreignBuffers = 0;
  hint = 0;
  getBuffer(sizeHint: number): Uint8Array {
    this.hint = sizeHint;
    return this.own;
  }
  bufferUpdated(nbytes: number): void {
    this.sizes.push(nbytes);
    super.dataReceived(Buffer.from(this.own.subarray(0, nbytes)));
  }
  override dataReceived(): void {
    this.foreignBuffers++;
  }
}

describe("borrowed reads (IBorrowingProtocol)", () => {
  it("never overwrites echoed bytes that are still queued when the next read arrives", async () => {
    const server = new BorrowingEcho();
    const client = new Recorder();
    const pair = await tcpPairMaker({ fastPath: true })(server, client);
    try {
      // The client does not read its echoes at first: the server's output queues up while
      // it keeps reading, so its later reads land while earlier borrowed buffers are queued.
      client.transport.pauseProducing();
      const data = pattern(8 * 1024 * 1024, 7);
      for (let offset = 0; offset < data.length; offset += 64 * 1024) client.transport.write(data.subarray(offset, offset + 64 * 1024));
      await pair.settle(() => server.queuedEchoes > 8);
      client.transport.resumeProducing();
      await pair.settle(() => client.received === data.length);
      assert.ok(server.queuedEchoes > 8, "the queued-write case was exercised");
      assert.ok(client.bytes().equals(data), "every echoed byte is the byte that was sent");
    } finally {
      await pair.close();
    }
  });

  it("reads bulk data into the same memory again when nothing still references it", async () => {
    const server = new BorrowingCounter();
    const client = new Recorder();
    const pair = await tcpPairMaker({ fastPath: true })(server, client);
    try {
      const data = pattern(4 * 1024 * 1024, 3);
      for (let offset = 0; offset < data.length; offset += 256 * 1024) {
        client.transport.write(data.subarray(offset, offset + 256 * 1024));
        await pair.settle(() => server.received === Math.min(offset + 256 * 1024, data.length));
      }
      assert.ok(server.bytes().equals(data));
      assert.ok(server.bigReads > 20, `bulk reads happened (${server.bigReads})`);
      // A default connection carves fresh memory for every bulk read; a borrowing one
      // reuses its region: a handful of places at most for dozens of reads.
      assert.ok(server.places.size <= 8, `reads landed in ${server.places.size} places`);
    } finally {
      await pair.close();
    }
  });
});

describe("buffered protocols (IBufferedProtocol)", () => {
  for (const fastPath of [true, false]) {
    it(`receive every byte in order through their own reused buffer (${fastPath ? "onread" : "'data' fallback"})`, async () => {
      const server = new SmallBuffer();
      const client = new Recorder();
      const pair = await tcpPairMaker({ fastPath })(server, client);
      try {
        const data = pattern(300_000, 5);
        client.transport.write(data);
        await pair.settle(() => server.received === data.length);
        assert.ok(server.bytes().equals(data));
        assert.equal(server.foreignBuffers, 0, "dataReceived is not called");
        assert.ok(server.sizes.length >= 300, "reads are at most the buffer's length");
        assert.ok(
          server.sizes.every((n) => n > 0 && n <= 1000),
          "every update is within the buffer",
        );
        assert.ok(server.hint > 0);
      } finally {
        await pair.close();
      }
    });
  }

  it("a getBuffer that returns an empty buffer is reported and aborts only its connection", async () => {
    class Broken extends SmallBuffer {
      override getBuffer(): Uint8Array {
        return new Uint8Array(0);
      }
    }
    const server = new Broken();
    const client = new Recorder();
    const pair = await tcpPairMaker({ fastPath: true })(server, client);
    client.transport.write(Buffer.from("hello"));
    await pair.settle(() => server.lostCount === 1);
    assert.ok(server.reason?.value instanceof TypeError, "connectionLost carries the TypeError");
    await assert.rejects(pair.close(), /getBuffer/);
  });
});

describe("writeSequence", () => {
  it("writes a small sequence with one socket write, and a large one corked, bytes in order", async () => {
    const server = new Recorder();
    const client = new Recorder();
    const pair = await tcpPairMaker({ fastPath: true })(server, client);
    try {
      const socket = (client.transport as StreamTransport).socket;
      let writes = 0;
      const write = socket.write.bind(socket);
      socket.write = (chunk: Uint8Array) => {
        writes++;
        return write(chunk);
      };
      client.transport.writeSequence([Buffer.from("one "), Buffer.from("two "), new Uint8Array(0), Buffer.from("three\n")]);
      assert.equal(writes, 1, "small: one write");
      const big = [pattern(10_000, 1), pattern(10_000, 2), pattern(10_000, 3)];
      client.transport.writeSequence(big);
      assert.equal(writes, 4, "large: one write per buffer, corked into one writev");
      const expected = Buffer.concat([Buffer.from("one two three\n"), ...big]);
      await pair.settle(() => server.received === expected.length);
      assert.ok(server.bytes().equals(expected));
    } finally {
      await pair.close();
    }
  });
});
