import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { LineDecoder, SMALL_FRAME_LIMIT } from "@torsion/protocols";
import { VIEW_BUFFER_LIMIT, copiesSmallFrames, copyFrame, view, viewMaker } from "@torsion/protocols/internal";
import { ownBuffer } from "./own-buffer.js";

function slab(size: number, text: string, at: number): Buffer {
  const big = Buffer.from(new ArrayBuffer(size));
  big.write(text, at);
  return big;
}

describe("frame memory", () => {
  it("copies small frames only out of buffers bigger than the view limit", () => {
    assert.equal(copiesSmallFrames(ownBuffer("x".repeat(VIEW_BUFFER_LIMIT))), false);
    assert.equal(copiesSmallFrames(slab(VIEW_BUFFER_LIMIT + 1, "x", 0)), true);
    assert.equal(copiesSmallFrames(slab(64 * 1024, "x", 0).subarray(0, 10)), true, "judged by the ArrayBuffer, not the view");
  });

  it("copyFrame returns an exact-size copy that later writes to the chunk do not change", () => {
    const chunk = slab(64 * 1024, "nickname", 100);
    const frame = copyFrame(chunk, 100, 108);
    chunk[100] = 0x4e;
    assert.equal(frame.toString(), "nickname");
    assert.equal(frame.length, 8);
    assert.notEqual(frame.buffer, chunk.buffer);
  });

  it("view and viewMaker copy a small frame out of a big buffer but keep longer frames as views", () => {
    const chunk = slab(64 * 1024, "a".repeat(SMALL_FRAME_LIMIT + 1), 0);
    for (const make of [(s: number, e: number) => view(chunk, s, e), viewMaker(chunk)]) {
      assert.notEqual(make(0, SMALL_FRAME_LIMIT).buffer, chunk.buffer, "a frame of the limit's size is copied");
      assert.equal(make(0, SMALL_FRAME_LIMIT + 1).buffer, chunk.buffer, "a longer frame stays a view");
    }
  });

  it("a LineDecoder's short line from a 64 KiB read keeps only its own bytes alive", () => {
    const chunk = slab(64 * 1024, "alice\r\n", 0);
    const [event] = new LineDecoder().push(chunk.subarray(0, 7));
    assert.ok(event?.type === "line");
    assert.equal(event.line.toString(), "alice");
    assert.ok(event.line.buffer.byteLength < VIEW_BUFFER_LIMIT, `kept ${event.line.buffer.byteLength} bytes`);
  });
});
