import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { feedInChunks } from "@torsion/testing";

function receiver(): { chunks: string[]; dataReceived(data: Buffer): void } {
  const chunks: string[] = [];
  return { chunks, dataReceived: (data: Buffer) => void chunks.push(data.toString()) };
}

describe("feedInChunks", () => {
  it("delivers consecutive slices of the given size, the last one shorter", () => {
    const r = receiver();
    assert.equal(feedInChunks(r, Buffer.from("abcdefg"), 3), 3);
    assert.deepEqual(r.chunks, ["abc", "def", "g"]);
  });

  it("delivers one byte at a time with size 1", () => {
    const r = receiver();
    feedInChunks(r, Buffer.from("xyz"), 1);
    assert.deepEqual(r.chunks, ["x", "y", "z"]);
  });

  it("delivers everything in one call when size is at least the length", () => {
    const r = receiver();
    feedInChunks(r, Buffer.from("xyz"), 100);
    assert.deepEqual(r.chunks, ["xyz"]);
  });

  it("makes no call for empty input", () => {
    const r = receiver();
    assert.equal(feedInChunks(r, new Uint8Array(0), 2), 0);
    assert.deepEqual(r.chunks, []);
  });

  it("hands over Buffers the receiver may keep, copied from the input", () => {
    const kept: Buffer[] = [];
    const input = Buffer.from("abcd");
    feedInChunks({ dataReceived: (d: Buffer) => void kept.push(d) }, input, 2);
    input.fill(0);
    assert.ok(kept.every((k) => Buffer.isBuffer(k)));
    assert.deepEqual(
      kept.map((k) => k.toString()),
      ["ab", "cd"],
    );
  });

  it("throws RangeError for a size that is not a positive integer", () => {
    const r = receiver();
    assert.throws(() => feedInChunks(r, Buffer.from("a"), 0), RangeError);
    assert.throws(() => feedInChunks(r, Buffer.from("a"), 1.5), RangeError);
    assert.deepEqual(r.chunks, []);
  });
});
