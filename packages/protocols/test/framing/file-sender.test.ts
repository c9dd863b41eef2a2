import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StringTransport } from "@torsion/testing";
import { FileSender, TransferInProgressError, TransferStoppedError, bufferFileSource, type FileSource } from "@torsion/protocols";

/** Pulls from the registered producer until it unregisters (bounded). */
function pump(transport: StringTransport, limit = 1000): number {
  let pulls = 0;
  while (transport.producer !== null && pulls < limit) {
    (transport.producer as FileSender).resumeProducing();
    pulls += 1;
  }
  return pulls;
}

describe("FileSender", () => {
  it("streams a file in 16 KiB chunks and fires with the last byte sent", async () => {
    const file = Buffer.alloc(40000, 7);
    file[file.length - 1] = 42;
    const transport = new StringTransport();
    const sender = new FileSender();
    const writes: number[] = [];
    const write = transport.write.bind(transport);
    transport.write = (data) => {
      writes.push(data.length);
      write(data);
    };
    const deferred = sender.beginFileTransfer(bufferFileSource(file), transport);
    assert.equal(transport.producer, sender);
    assert.equal(transport.streaming, false);
    pump(transport);
    assert.deepEqual(writes, [16384, 16384, 7232]);
    assert.ok(transport.value().equals(file));
    assert.deepEqual([...(await deferred)], [42]);
    assert.equal(transport.producer, null);
  });

  it("fires with an empty array for an empty file", async () => {
    const transport = new StringTransport();
    const deferred = new FileSender().beginFileTransfer(bufferFileSource(Buffer.alloc(0)), transport);
    pump(transport);
    assert.equal((await deferred).length, 0);
  });

  it("applies the transform to each chunk before writing it", async () => {
    const transport = new StringTransport();
    const deferred = new FileSender().beginFileTransfer(bufferFileSource(Buffer.from("abc")), transport, (chunk) =>
      Buffer.from(Buffer.from(chunk).toString().toUpperCase()),
    );
    pump(transport);
    assert.equal(transport.value().toString(), "ABC");
    assert.equal(Buffer.from(await deferred).toString(), "C");
  });

  it("fails with TransferStoppedError when the consumer stops it", async () => {
    const transport = new StringTransport();
    const sender = new FileSender();
    const deferred = sender.beginFileTransfer(bufferFileSource(Buffer.alloc(50000)), transport);
    sender.resumeProducing();
    sender.stopProducing();
    await assert.rejects(deferred.asPromise(), TransferStoppedError);
    sender.resumeProducing();
    assert.equal(transport.value().length, 16384, "nothing is written after stopProducing");
  });

  it("fails with the reader's error and unregisters when reading throws", async () => {
    const broken: FileSource = {
      read() {
        throw new Error("disk on fire");
      },
    };
    const transport = new StringTransport();
    const deferred = new FileSender().beginFileTransfer(broken, transport);
    pump(transport);
    await assert.rejects(deferred.asPromise(), /disk on fire/);
    assert.equal(transport.producer, null);
  });

  it("refuses a second transfer while one is running, and allows one after it ended", async () => {
    const transport = new StringTransport();
    const sender = new FileSender();
    const first = sender.beginFileTransfer(bufferFileSource(Buffer.from("x")), transport);
    assert.throws(() => sender.beginFileTransfer(bufferFileSource(Buffer.from("y")), transport), TransferInProgressError);
    pump(transport);
    await first;
    const second = sender.beginFileTransfer(bufferFileSource(Buffer.from("yz")), transport);
    pump(transport);
    assert.equal(Buffer.from(await second).toString(), "z");
  });

  it("leaves the sender usable when the consumer refuses to register it", () => {
    const transport = new StringTransport();
    transport.registerProducer({ stopProducing() {} }, true);
    const sender = new FileSender();
    assert.throws(() => sender.beginFileTransfer(bufferFileSource(Buffer.from("x")), transport));
    transport.unregisterProducer();
    sender.beginFileTransfer(bufferFileSource(Buffer.from("x")), transport);
    assert.equal(pump(transport), 2);
  });

  it("bufferFileSource returns views of at most the requested size, then null", () => {
    const bytes = Buffer.from("hello");
    const source = bufferFileSource(bytes);
    const first = source.read(3);
    assert.equal(Buffer.from(first!).toString(), "hel");
    assert.equal(first?.buffer, bytes.buffer);
    assert.equal(Buffer.from(source.read(3)!).toString(), "lo");
    assert.equal(source.read(3), null);
  });
});
