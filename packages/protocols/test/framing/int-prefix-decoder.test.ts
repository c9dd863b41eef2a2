import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IntPrefixDecoder, InvalidFramingOptionError, type IntPrefixDecoderEvent, type PrefixLength } from "@torsion/protocols";
import { assertSameAtEveryChunkSize } from "./sweep.js";
import { ownBuffer } from "./own-buffer.js";

function simple(events: readonly IntPrefixDecoderEvent[]): string[] {
  return events.map((e) => (e.type === "string" ? `string:${e.payload.toString("latin1")}` : `exceeded:${e.length}`));
}

function frame(prefixLength: PrefixLength, payload: string): Buffer {
  const out = Buffer.alloc(prefixLength + payload.length);
  out.writeUIntBE(payload.length, 0, prefixLength);
  out.write(payload, prefixLength, "latin1");
  return out;
}

describe("IntPrefixDecoder", () => {
  for (const prefixLength of [1, 2, 4] as const) {
    it(`decodes ${prefixLength}-byte big-endian prefixed frames the same at every chunk size`, () => {
      const stream = Buffer.concat([
        frame(prefixLength, "hi"),
        frame(prefixLength, ""),
        frame(prefixLength, "x".repeat(40)),
        frame(prefixLength, "end"),
      ]);
      const result = assertSameAtEveryChunkSize(stream, (chunks) => {
        const decoder = new IntPrefixDecoder({ prefixLength });
        return chunks.flatMap((chunk) => simple(decoder.push(chunk)));
      });
      assert.deepEqual(result, ["string:hi", "string:", `string:${"x".repeat(40)}`, "string:end"]);
    });
  }

  it("delivers a payload inside one chunk as a view of that chunk", () => {
    const chunk = ownBuffer([...Buffer.concat([frame(4, "abc"), frame(4, "defg")])]);
    const events = new IntPrefixDecoder({ prefixLength: 4 }).push(chunk);
    assert.equal(events.length, 2);
    for (const event of events) assert.ok(event.type === "string" && event.payload.buffer === chunk.buffer);
  });

  it("reports a length above maxLength as soon as the prefix is complete and accepts maxLength itself", () => {
    const decoder = new IntPrefixDecoder({ prefixLength: 2, maxLength: 3 });
    assert.deepEqual(simple(decoder.push(Buffer.from([0, 3, 97, 98, 99, 0]))), ["string:abc"]);
    assert.deepEqual(simple(decoder.push(Buffer.from([4]))), ["exceeded:4"]);
  });

  it("skips an over-long payload without buffering it and parses what follows", () => {
    const stream = Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.from("0123456789"), frame(4, "ok")]);
    const result = assertSameAtEveryChunkSize(stream, (chunks) => {
      const decoder = new IntPrefixDecoder({ prefixLength: 4, maxLength: 5 });
      return chunks.flatMap((chunk) => {
        const events = simple(decoder.push(chunk));
        assert.ok(decoder.bufferedLength <= 5 + 4);
        return events;
      });
    });
    assert.deepEqual(result, ["exceeded:10", "string:ok"]);
  });

  it("with maxLength 0 accepts only empty strings", () => {
    const decoder = new IntPrefixDecoder({ prefixLength: 1, maxLength: 0 });
    assert.deepEqual(simple(decoder.push(Buffer.from([0, 1, 65]))), ["string:", "exceeded:1"]);
  });

  it("reads a 4-byte prefix as unsigned", () => {
    const decoder = new IntPrefixDecoder({ prefixLength: 4 });
    assert.deepEqual(simple(decoder.push(Buffer.from([0xff, 0xff, 0xff, 0xff]))), ["exceeded:4294967295"]);
  });

  it("rejects a prefix length other than 1, 2 or 4", () => {
    assert.throws(() => new IntPrefixDecoder({ prefixLength: 3 as PrefixLength }), InvalidFramingOptionError);
  });

  it("nextString returns payloads and stops at a too-long prefix until takeExceeded collects it", () => {
    const decoder = new IntPrefixDecoder({ prefixLength: 1, maxLength: 2 });
    decoder.feed(Buffer.from([1, 97, 3, 1, 2, 3, 1, 98]));
    assert.equal(decoder.nextString()?.toString(), "a");
    assert.equal(decoder.nextString(), null);
    assert.equal(decoder.takeExceeded(), 3);
    assert.equal(decoder.takeExceeded(), null);
    assert.equal(decoder.nextString()?.toString(), "b");
  });
});
