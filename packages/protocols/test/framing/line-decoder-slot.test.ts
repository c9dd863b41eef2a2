import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LineDecoderSlot, LineLengthRule } from "@torsion/protocols";

const CRLF = Buffer.from("\r\n");

describe("LineDecoderSlot", () => {
  it("has no decoder before the first use", () => {
    assert.equal(new LineDecoderSlot(LineLengthRule.buffered).decoder, null);
  });

  it("returns the same decoder while the delimiter and limit stay the same", () => {
    const slot = new LineDecoderSlot(LineLengthRule.buffered);
    const first = slot.current(CRLF, 100);
    assert.equal(slot.current(CRLF, 100), first);
    assert.equal(slot.current(Buffer.from("\r\n"), 100), first, "an equal delimiter in a new buffer keeps the decoder");
    assert.equal(slot.decoder, first);
  });

  it("rebuilds the decoder when the delimiter changes, keeping the unparsed bytes", () => {
    const slot = new LineDecoderSlot(LineLengthRule.line);
    slot.current(CRLF, 100).feed(Buffer.from("one\ntwo"));
    const rebuilt = slot.current(Buffer.from("\n"), 100);
    assert.equal(rebuilt.nextLine()?.toString(), "one");
    assert.equal(rebuilt.nextLine(), null);
    assert.equal(rebuilt.bufferedLength, 3);
  });

  it("rebuilds the decoder when MAX_LENGTH changes", () => {
    const slot = new LineDecoderSlot(LineLengthRule.buffered);
    const first = slot.current(CRLF, 100);
    const second = slot.current(CRLF, 5);
    assert.notEqual(second, first);
    assert.equal(second.maxLength, 5);
  });
});
