import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ChunkQueue, asBuffer, view, viewMaker } from "@torsion/protocols/internal";
import { ownBuffer } from "./own-buffer.js";

describe("ChunkQueue", () => {
  it("returns the chunk holding the next unread byte and moves past used-up chunks", () => {
    const queue = new ChunkQueue();
    const a = Buffer.from("ab");
    const b = Buffer.from("cd");
    queue.push(a);
    queue.push(b);
    assert.equal(queue.current(), a);
    queue.offset = 2;
    assert.equal(queue.current(), b);
    assert.equal(queue.offset, 0);
    queue.offset = 2;
    assert.equal(queue.current(), undefined);
  });

  it("drops empty chunks and counts only unread bytes", () => {
    const queue = new ChunkQueue();
    queue.push(Buffer.alloc(0));
    assert.equal(queue.current(), undefined);
    queue.push(Buffer.from("hello"));
    queue.push(Buffer.from("!"));
    queue.current();
    queue.offset = 3;
    assert.equal(queue.length, 3);
  });

  it("takeAll returns a view when the rest lies in one chunk and a copy otherwise", () => {
    const queue = new ChunkQueue();
    const chunk = Buffer.from("hello");
    queue.push(chunk);
    queue.current();
    queue.offset = 1;
    const view = queue.takeAll();
    assert.equal(view.toString(), "ello");
    assert.equal(view.buffer, chunk.buffer);
    assert.equal(queue.length, 0);
    queue.push(Buffer.from("ab"));
    queue.push(Buffer.from("cd"));
    assert.equal(queue.takeAll().toString(), "abcd");
    assert.equal(queue.takeAll().length, 0);
  });

  it("clear forgets every queued byte", () => {
    const queue = new ChunkQueue();
    queue.push(Buffer.from("abc"));
    queue.clear();
    assert.equal(queue.length, 0);
    assert.equal(queue.current(), undefined);
  });

  it("asBuffer views a Uint8Array as a Buffer without copying", () => {
    const bytes = new Uint8Array([1, 2, 3, 4]).subarray(1);
    const buffer = asBuffer(bytes);
    assert.ok(Buffer.isBuffer(buffer));
    assert.equal(buffer.buffer, bytes.buffer);
    assert.deepEqual([...buffer], [2, 3, 4]);
    const original = Buffer.from("x");
    assert.equal(asBuffer(original), original);
  });

  it("view and viewMaker make Buffer views sharing the chunk's memory", () => {
    const backing = ownBuffer("xxhello worldxx");
    const chunk = backing.subarray(2, 13);
    const a = view(chunk, 0, 5);
    const b = viewMaker(chunk)(6, 11);
    assert.ok(Buffer.isBuffer(a) && Buffer.isBuffer(b));
    assert.equal(a.toString(), "hello");
    assert.equal(b.toString(), "world");
    chunk[0] = 0x48;
    assert.equal(a.toString(), "Hello", "a view, not a copy");
    assert.equal(view(chunk, 3, 3).length, 0);
  });
});
