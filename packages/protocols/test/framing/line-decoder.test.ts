import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidFramingOptionError, LineDecoder, LineLengthRule, type LineDecoderEvent } from "@torsion/protocols";
import { assertSameAtEveryChunkSize, chunksOf } from "./sweep.js";
import { ownBuffer } from "./own-buffer.js";

type Simple = [string, string];

function simple(events: readonly LineDecoderEvent[]): Simple[] {
  return events.map((e) => (e.type === "line" ? ["line", e.line.toString("latin1")] : ["exceeded", e.data.toString("latin1")]));
}

function decodeAll(chunks: readonly Buffer[], options: ConstructorParameters<typeof LineDecoder>[0]): Simple[] {
  const decoder = new LineDecoder(options);
  return chunks.flatMap((chunk) => simple(decoder.push(chunk)));
}

/**
 * The specification as a slow model that concatenates (Twisted's algorithms, FORMAT.md
 * §3.4-§3.5, for a handler that keeps the connection open): each chunk is appended to a
 * buffer, complete lines are taken from its front, then the unfinished line is checked.
 * "buffered": a too-long line or a too-long delimiter-less buffer reports and empties
 * the whole buffer. "line": a too-long complete line reports the line; an unfinished one
 * longer than max (not counting a trailing delimiter start) reports the buffer and the
 * rest of that line is skipped through its delimiter.
 */
function reference(chunks: readonly Buffer[], delimiter: Buffer, max: number, rule: LineLengthRule): Simple[] {
  const out: Simple[] = [];
  let buffer = Buffer.alloc(0);
  let skipping = false;
  for (const chunk of chunks) {
    buffer = Buffer.concat([buffer, chunk]);
    for (let at = buffer.indexOf(delimiter); at >= 0; at = buffer.indexOf(delimiter)) {
      const line = buffer.subarray(0, at);
      if (rule === "buffered" && line.length > max) {
        out.push(["exceeded", buffer.toString("latin1")]);
        buffer = Buffer.alloc(0);
        break;
      }
      buffer = buffer.subarray(at + delimiter.length);
      if (skipping) skipping = false;
      else out.push(line.length > max ? ["exceeded", line.toString("latin1")] : ["line", line.toString("latin1")]);
    }
    if (rule === "buffered" && buffer.length >= max + delimiter.length) {
      out.push(["exceeded", buffer.toString("latin1")]);
      buffer = Buffer.alloc(0);
    }
    if (rule === "line" && !skipping && buffer.length - partialDelimiter(buffer, delimiter) > max) {
      out.push(["exceeded", buffer.toString("latin1")]);
      skipping = true;
    }
  }
  return out;
}

function partialDelimiter(buffer: Buffer, delimiter: Buffer): number {
  for (let k = Math.min(delimiter.length - 1, buffer.length); k > 0; k -= 1) {
    if (buffer.subarray(buffer.length - k).equals(delimiter.subarray(0, k))) return k;
  }
  return 0;
}

/** A deterministic pseudo-random generator (xorshift32). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

describe("LineDecoder", () => {
  it("splits lines at the delimiter and strips it", () => {
    assert.deepEqual(decodeAll([Buffer.from("one\r\ntwo\r\n\r\nthree")], {}), [
      ["line", "one"],
      ["line", "two"],
      ["line", ""],
    ]);
  });

  it("does not treat a bare newline as the end of a CRLF line", () => {
    assert.deepEqual(decodeAll([Buffer.from("a\nb\r\n")], {}), [["line", "a\nb"]]);
  });

  it("delivers a line that lies inside one chunk as a view of that chunk", () => {
    const chunk = ownBuffer("hello\r\nworld\r\n");
    const events = new LineDecoder().push(chunk);
    assert.equal(events.length, 2);
    for (const event of events) assert.equal(event.type === "line" && event.line.buffer, chunk.buffer);
  });

  it("finds a delimiter split across chunks, including a 3-byte one split twice", () => {
    assert.deepEqual(decodeAll([Buffer.from("ab\r"), Buffer.from("\ncd\r\n")], {}), [
      ["line", "ab"],
      ["line", "cd"],
    ]);
    const chunks = ["x<", "<", ">", "!y<>", "!"].map((s) => Buffer.from(s));
    assert.deepEqual(decodeAll(chunks, { delimiter: "<>!" }), [
      ["line", "x<"],
      ["line", "y"],
    ]);
  });

  it("accepts a line of exactly maxLength bytes under both rules, wherever the chunks end", () => {
    for (const lengthRule of [LineLengthRule.buffered, LineLengthRule.line]) {
      const result = assertSameAtEveryChunkSize(Buffer.from("12345678\r\nok\r\n"), (chunks) =>
        decodeAll(chunks, { maxLength: 8, lengthRule }),
      );
      assert.deepEqual(result, [
        ["line", "12345678"],
        ["line", "ok"],
      ]);
    }
  });

  it("buffered rule: a delimiter after a too-long line reports the line, the delimiter and everything else fed, and empties the decoder", () => {
    const decoder = new LineDecoder({ maxLength: 8 });
    assert.deepEqual(simple(decoder.push(Buffer.from("ok\r\n123456789abc\r\nnext\r\npart"))), [
      ["line", "ok"],
      ["exceeded", "123456789abc\r\nnext\r\npart"],
    ]);
    assert.equal(decoder.bufferedLength, 0);
    assert.deepEqual(simple(decoder.push(Buffer.from("ial\r\n"))), [["line", "ial"]], "parsing starts afresh");
  });

  it("buffered rule: without a delimiter, reports the whole buffer once it holds maxLength + delimiter bytes", () => {
    const decoder = new LineDecoder({ maxLength: 8 });
    assert.deepEqual(simple(decoder.push(Buffer.from("12345678"))), []);
    assert.deepEqual(simple(decoder.push(Buffer.from("9"))), [], "9 bytes are fewer than maxLength + 2");
    assert.deepEqual(simple(decoder.push(Buffer.from("\r"))), [["exceeded", "123456789\r"]]);
    assert.deepEqual(simple(decoder.push(Buffer.from("\nz\r\n"))), [["line", "\nz"]], "the buffer was emptied");
    const whole = new LineDecoder({ maxLength: 8 });
    assert.deepEqual(simple(whole.push(Buffer.from("123456789abcdefgh"))), [["exceeded", "123456789abcdefgh"]], "one chunk: all of it");
  });

  it("buffered rule: never reports a line of at most maxLength bytes, wherever the chunks end", () => {
    const stream = Buffer.from("12345678\r\n\r\n1\r\n12345678\r\n");
    for (const delimiter of ["\r\n", "aab"]) {
      const data = Buffer.from(stream.toString("latin1").replaceAll("\r\n", delimiter), "latin1");
      const result = assertSameAtEveryChunkSize(data, (chunks) => decodeAll(chunks, { maxLength: 8, delimiter }));
      assert.deepEqual(result, [
        ["line", "12345678"],
        ["line", ""],
        ["line", "1"],
        ["line", "12345678"],
      ]);
    }
  });

  it("line rule: reports a complete too-long line whole and goes on with the next line", () => {
    const result = assertSameAtEveryChunkSize(Buffer.from("123456789abc\r\nnext\r\n"), (chunks) =>
      decodeAll(chunks, { maxLength: 12, lengthRule: LineLengthRule.line }),
    );
    assert.deepEqual(result, [
      ["line", "123456789abc"],
      ["line", "next"],
    ]);
    const decoder = new LineDecoder({ maxLength: 8, lengthRule: LineLengthRule.line });
    assert.deepEqual(simple(decoder.push(Buffer.from("ok\r\n123456789abc\r\nnext\r\n"))), [
      ["line", "ok"],
      ["exceeded", "123456789abc"],
      ["line", "next"],
    ]);
  });

  it("line rule: reports an unfinished line with every byte received once it is certainly too long", () => {
    const decoder = new LineDecoder({ maxLength: 4, lengthRule: LineLengthRule.line });
    assert.deepEqual(simple(decoder.push(Buffer.from("1234\r"))), [], "the \\r may start the delimiter");
    assert.deepEqual(simple(decoder.push(Buffer.from("xw"))), [["exceeded", "1234\rxw"]]);
    assert.deepEqual(simple(decoder.push(Buffer.from("yz\r\nok\r\n"))), [["line", "ok"]], "the rest of the line is skipped");
  });

  it("line rule: skips a too-long line whose delimiter starts inside the reported bytes", () => {
    const decoder = new LineDecoder({ maxLength: 4, lengthRule: LineLengthRule.line });
    assert.deepEqual(simple(decoder.push(Buffer.from("abcdefg\r"))), [["exceeded", "abcdefg\r"]]);
    assert.deepEqual(simple(decoder.push(Buffer.from("\nnext\r\n"))), [["line", "next"]]);
  });

  it("never carries more than maxLength + delimiter - 1 bytes, even for an endless line fed byte by byte", () => {
    for (const lengthRule of [LineLengthRule.buffered, LineLengthRule.line]) {
      const decoder = new LineDecoder({ maxLength: 100, lengthRule });
      const reports: number[] = [];
      for (let i = 0; i < 5000; i += 1) {
        for (const event of decoder.push(Buffer.from(i % 97 === 96 ? "\r" : "a")))
          if (event.type === "lineLengthExceeded") reports.push(event.data.length);
        assert.ok(decoder.carriedLength <= 101, `carried ${decoder.carriedLength}`);
        assert.ok(decoder.bufferedLength <= 101);
      }
      if (lengthRule === LineLengthRule.line) assert.deepEqual(reports, [101], "one report per too-long line");
      else
        assert.deepEqual(
          reports,
          Array.from({ length: Math.floor(5000 / 102) }, () => 102),
          "one report per 102 bytes, emptying the buffer each time",
        );
    }
  });

  it("takeRest hands over the unparsed bytes and leaves the decoder empty", () => {
    const decoder = new LineDecoder();
    decoder.feed(Buffer.from("a\r\nrest"));
    decoder.feed(Buffer.from("-more"));
    assert.deepEqual(simple([decoder.next()!]), [["line", "a"]]);
    assert.equal(decoder.bufferedLength, 9);
    assert.equal(decoder.takeRest().toString(), "rest-more");
    assert.equal(decoder.bufferedLength, 0);
    assert.equal(decoder.next(), undefined);
  });

  it("takeRest includes a carried partial line", () => {
    const decoder = new LineDecoder();
    decoder.push(Buffer.from("par"));
    decoder.feed(Buffer.from("tial"));
    assert.equal(decoder.takeRest().toString(), "partial");
  });

  it("rejects an empty delimiter and a negative or fractional maximum", () => {
    assert.throws(() => new LineDecoder({ delimiter: "" }), InvalidFramingOptionError);
    assert.throws(() => new LineDecoder({ maxLength: -1 }), InvalidFramingOptionError);
    assert.throws(() => new LineDecoder({ maxLength: 1.5 }), InvalidFramingOptionError);
  });

  it("matches the specification model for random streams at random chunkings", () => {
    const next = random(20261121);
    const delimiters = [Buffer.from("\r\n"), Buffer.from("\n"), Buffer.from("aab")];
    for (let round = 0; round < 600; round += 1) {
      const delimiter = delimiters[round % delimiters.length] as Buffer;
      const alphabet = Buffer.concat([delimiter, Buffer.from("ab")]);
      const stream = Buffer.alloc(Math.floor(next() * 80));
      for (let i = 0; i < stream.length; i += 1) stream[i] = alphabet[Math.floor(next() * alphabet.length)] as number;
      const maxLength = Math.floor(next() * 6);
      const lengthRule = next() < 0.5 ? LineLengthRule.buffered : LineLengthRule.line;
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length;) {
        const size = 1 + Math.floor(next() * 7);
        chunks.push(Buffer.from(stream.subarray(at, at + size)));
        at += size;
      }
      const options = { delimiter, maxLength, lengthRule };
      const label = `round ${round}: ${JSON.stringify(stream.toString("latin1"))}`;
      assert.deepEqual(decodeAll(chunks, options), reference(chunks, delimiter, maxLength, lengthRule), label);
      const bytes = chunksOf(stream, 1);
      assert.deepEqual(decodeAll(bytes, options), reference(bytes, delimiter, maxLength, lengthRule), label);
    }
  });

  it("nextLine returns lines and stops at a too-long line until takeExceeded collects it", () => {
    const decoder = new LineDecoder({ maxLength: 2, lengthRule: LineLengthRule.line });
    decoder.feed(Buffer.from("ab\r\nabcdef\r\ncd\r\n"));
    assert.equal(decoder.nextLine()?.toString(), "ab");
    assert.equal(decoder.nextLine(), null);
    assert.equal(decoder.nextLine(), null, "still pending");
    assert.equal(decoder.takeExceeded()?.toString(), "abcdef");
    assert.equal(decoder.takeExceeded(), null);
    assert.equal(decoder.nextLine()?.toString(), "cd");
    assert.equal(decoder.nextLine(), null);
  });

  it("a report of the buffered rule includes chunks fed but not yet parsed", () => {
    const decoder = new LineDecoder({ maxLength: 2 });
    decoder.feed(Buffer.from("ab\r\nabc"));
    decoder.feed(Buffer.from("def\r\ncd\r\n"));
    assert.equal(decoder.nextLine()?.toString(), "ab");
    assert.equal(decoder.nextLine(), null);
    assert.equal(decoder.takeExceeded()?.toString(), "abcdef\r\ncd\r\n");
    assert.equal(decoder.nextLine(), null);
    assert.equal(decoder.bufferedLength, 0);
  });
});
