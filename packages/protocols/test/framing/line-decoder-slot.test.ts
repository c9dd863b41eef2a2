import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LineLengthRule } from "@torsion/protocols";
import { LineDecoderSlot, type LineSlotFrame } from "@torsion/protocols/internal";

/** The text of `frame`, which must be a line (not an event, not `undefined`). */
function lineText(frame: LineSlotFrame | undefined): string {
  assert.ok(Buffer.isBuffer(frame), `expected a line, got ${JSON.stringify(frame)}`);
  return frame.toString();
}

const CRLF = Buffer.from("\r\n");
const SETTINGS = { delimiter: CRLF, MAX_LENGTH: 100 };

describe("LineDecoderSlot", () => {
  it("has no decoder before the first use", () => {
    assert.equal(new LineDecoderSlot(LineLengthRule.buffered, SETTINGS).decoder, null);
  });

  it("returns the same decoder while the delimiter and limit stay the same", () => {
    const slot = new LineDecoderSlot(LineLengthRule.buffered, SETTINGS);
    const first = slot.current(CRLF, 100);
    assert.equal(slot.current(CRLF, 100), first);
    assert.equal(slot.current(Buffer.from("\r\n"), 100), first, "an equal delimiter in a new buffer keeps the decoder");
    assert.equal(slot.decoder, first);
  });

  it("rebuilds the decoder when the delimiter changes, keeping the unparsed bytes", () => {
    const slot = new LineDecoderSlot(LineLengthRule.line, SETTINGS);
    slot.current(CRLF, 100).feed(Buffer.from("one\ntwo"));
    const rebuilt = slot.current(Buffer.from("\n"), 100);
    assert.equal(rebuilt.nextLine()?.toString(), "one");
    assert.equal(rebuilt.nextLine(), null);
    assert.equal(rebuilt.bufferedLength, 3);
  });

  it("rebuilds the decoder when MAX_LENGTH changes", () => {
    const slot = new LineDecoderSlot(LineLengthRule.buffered, SETTINGS);
    const first = slot.current(CRLF, 100);
    const second = slot.current(CRLF, 5);
    assert.notEqual(second, first);
    assert.equal(second.maxLength, 5);
  });

  it("as a decoder, follows its settings, returns lines as bare buffers and reports too-long lines as events", () => {
    const settings = { delimiter: CRLF as Uint8Array, MAX_LENGTH: 3 };
    const slot = new LineDecoderSlot(LineLengthRule.line, settings);
    slot.feed(Buffer.from("ab\r\nabcd\r\nx"));
    const line = slot.next();
    assert.ok(Buffer.isBuffer(line) && line.toString() === "ab");
    assert.deepEqual(slot.next(), { type: "lineLengthExceeded", data: Buffer.from("abcd") });
    assert.equal(slot.next(), undefined);
    settings.delimiter = Buffer.from("\n");
    slot.feed(Buffer.from("y\n"));
    assert.equal(lineText(slot.next()), "xy", "the new delimiter applies to the unparsed bytes");
  });

  it("in raw mode returns everything unparsed as one raw event", () => {
    const slot = new LineDecoderSlot(LineLengthRule.buffered, SETTINGS);
    slot.feed(Buffer.from("line\r\nrest"));
    assert.equal(lineText(slot.next()), "line");
    slot.lineMode = false;
    slot.feed(Buffer.from("more"));
    assert.deepEqual(slot.next(), { type: "raw", data: Buffer.from("restmore") });
    assert.equal(slot.next(), undefined);
  });

  it("at end of stream returns the complete lines still queued and drops an unfinished one", () => {
    const slot = new LineDecoderSlot(LineLengthRule.buffered, SETTINGS);
    slot.feed(Buffer.from("a\r\nb\r\npartial"));
    slot.finish();
    slot.feed(Buffer.from("\r\n"));
    assert.deepEqual([lineText(slot.next()), lineText(slot.next()), slot.next()], ["a", "b", undefined]);
    assert.equal(slot.bufferedLength, 0);
  });
});
