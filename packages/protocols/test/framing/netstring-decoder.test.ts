import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DecodeError } from "@torsion/core";
import { NetstringDecoder, NetstringParseError, NetstringParseReason } from "@torsion/protocols";
import { assertSameAtEveryChunkSize } from "./sweep.js";
import { ownBuffer } from "./own-buffer.js";

/** Feeds `chunk` and lists what `next()` gives: `string:<payload>` and, if it throws, `error:<reason>`. */
function simple(decoder: NetstringDecoder, chunk: Buffer): string[] {
  decoder.feed(chunk);
  const out: string[] = [];
  try {
    for (let event = decoder.next(); event !== undefined; event = decoder.next()) out.push(`string:${event.payload.toString("latin1")}`);
  } catch (error) {
    if (!(error instanceof NetstringParseError)) throw error;
    out.push(`error:${error.reason}`);
  }
  return out;
}

function decode(chunks: readonly Buffer[], maxLength?: number): string[] {
  const decoder = new NetstringDecoder(maxLength === undefined ? {} : { maxLength });
  return chunks.flatMap((chunk) => simple(decoder, chunk));
}

describe("NetstringDecoder", () => {
  it("decodes netstrings, including the empty one and a payload holding a comma", () => {
    assert.deepEqual(decode([Buffer.from("5:hello,0:,3:ab,,")]), ["string:hello", "string:", "string:ab,"]);
  });

  it("gives the same strings and error at every chunk size", () => {
    const result = assertSameAtEveryChunkSize(Buffer.from("3:abc,10:0123456789,0:,4:wxyz;"), (chunks) => decode(chunks));
    assert.deepEqual(result, ["string:abc", "string:0123456789", "string:", "error:missing-comma"]);
  });

  it("delivers a payload inside one chunk as a view, and copies one that spans chunks", () => {
    const chunk = ownBuffer("5:hello,");
    const [event] = new NetstringDecoder().push(chunk);
    assert.ok(event?.type === "string" && event.payload.buffer === chunk.buffer);
    const decoder = new NetstringDecoder();
    decoder.push(Buffer.from("5:he"));
    const [spanning] = decoder.push(Buffer.from("llo,"));
    assert.ok(spanning?.type === "string" && spanning.payload.toString() === "hello");
  });

  it("rejects leading zeros, non-digits, signs and a missing colon", () => {
    for (const bad of ["05:hello,", "00:,", "x", "-1:a,", "+1:a,", " 1:a,", "1 :a,", ":", ",", "1\r\n"]) {
      assert.deepEqual(decode([Buffer.from(bad)]), ["error:illegal-length"], bad);
    }
  });

  it("checks the length against maxLength digit by digit, before the colon", () => {
    const decoder = new NetstringDecoder({ maxLength: 100 });
    assert.deepEqual(simple(decoder, Buffer.from("10")), []);
    assert.deepEqual(simple(decoder, Buffer.from("1")), ["error:too-long"]);
    assert.deepEqual(decode([Buffer.from("100:")], 100), []);
  });

  it("treats a newline after the digits as an error only when the next byte arrives (as Twisted)", () => {
    const decoder = new NetstringDecoder();
    assert.deepEqual(simple(decoder, Buffer.from("12\n")), []);
    assert.deepEqual(simple(decoder, Buffer.alloc(0)), []);
    assert.deepEqual(simple(decoder, Buffer.from(":")), ["error:illegal-length"]);
  });

  it("throws the first error once, as a DecodeError, and ignores everything after it", () => {
    const decoder = new NetstringDecoder();
    decoder.feed(Buffer.from("x1:a,"));
    assert.throws(
      () => decoder.next(),
      (e: unknown) => e instanceof NetstringParseError && e instanceof DecodeError,
    );
    assert.equal(decoder.broken, true);
    assert.equal(decoder.bufferedLength, 0);
    assert.equal(decoder.next(), undefined);
    assert.deepEqual(decoder.push(Buffer.from("1:a,")), []);
    assert.equal(decoder.bufferedLength, 0);
    assert.deepEqual(simple(new NetstringDecoder(), Buffer.from("1:a,x")), ["string:a", "error:illegal-length"]);
    assert.throws(() => new NetstringDecoder().push(Buffer.from("-")), { reason: NetstringParseReason.illegalLength });
  });

  it("at end of stream returns the complete strings still queued and drops a partial one", () => {
    const decoder = new NetstringDecoder();
    decoder.feed(Buffer.from("1:a,5:he"));
    decoder.finish();
    decoder.feed(Buffer.from("llo,"));
    assert.equal(decoder.next()?.payload.toString(), "a");
    assert.equal(decoder.next(), undefined);
    assert.equal(decoder.bufferedLength, 0);
  });

  it("never holds more than the declared payload", () => {
    const decoder = new NetstringDecoder({ maxLength: 1000 });
    decoder.push(Buffer.from("1000:"));
    for (let i = 0; i < 999; i += 1) {
      decoder.push(Buffer.from("x"));
      assert.ok(decoder.bufferedLength <= 1000);
    }
    assert.deepEqual(
      simple(decoder, Buffer.from("x,")).map((s) => s.length),
      ["string:".length + 1000],
    );
  });
});
