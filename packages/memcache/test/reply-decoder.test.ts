import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { LineTooLongError, MalformedReplyError, MemcacheReplyDecoder, type MemcacheReplyFrame, ValueTooLargeError } from "@torsion/memcache";

const stream = Buffer.from(
  "STORED\r\nVALUE k 5 12 99\r\n\r\nEND\r\nxyz\r\n\r\nVALUE e 0 0\r\n\r\nEND\r\nSTAT pid 1\r\nEND\r\n" + "VERSION 1.6\r\n",
  "latin1",
);

function describeFrame(frame: MemcacheReplyFrame): string {
  if (Buffer.isBuffer(frame)) return `line:${frame.toString("latin1")}`;
  if (frame.kind === "valueHeader") return `header:${frame.fields.map((f) => f.toString("latin1")).join(",")}:${frame.length}`;
  return `data:${JSON.stringify(frame.data.toString("latin1"))}`;
}

function decodeInChunks(input: Buffer, size: number, decoder = new MemcacheReplyDecoder()): string[] {
  const out: string[] = [];
  for (let at = 0; at < input.length; at += size) {
    decoder.feed(input.subarray(at, at + size));
    for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) out.push(describeFrame(frame));
  }
  return out;
}

describe("MemcacheReplyDecoder", () => {
  it("gives the same lines and value blocks at every chunk size, values holding CRLF and reply lookalikes", () => {
    const whole = decodeInChunks(stream, stream.length);
    assert.deepEqual(whole, [
      "line:STORED",
      "header:k,5,12,99:12",
      'data:"\\r\\nEND\\r\\nxyz\\r\\n"',
      "header:e,0,0:0",
      'data:""',
      "line:END",
      "line:STAT pid 1",
      "line:END",
      "line:VERSION 1.6",
    ]);
    for (let size = 1; size <= stream.length; size += 1) assert.deepEqual(decodeInChunks(stream, size), whole, `chunk size ${size}`);
  });

  it("returns a value inside one chunk as a view of it, without copying", () => {
    const decoder = new MemcacheReplyDecoder();
    const chunk = Buffer.from("VALUE k 0 3\r\nabc\r\nEND\r\n");
    decoder.feed(chunk);
    decoder.next();
    const data = decoder.next();
    assert.ok(data !== undefined && !Buffer.isBuffer(data) && data.kind === "valueData");
    assert.equal(data.data.buffer, chunk.buffer);
    assert.ok(decoder.valueBytesRead === 5);
  });

  it("throws LineTooLongError for a line over the limit, complete or not", () => {
    const complete = new MemcacheReplyDecoder({ maxLineLength: 8 });
    complete.feed(Buffer.from("123456789\r\n"));
    assert.throws(() => complete.next(), LineTooLongError);
    const partial = new MemcacheReplyDecoder({ maxLineLength: 8 });
    partial.feed(Buffer.from("1234567890"));
    assert.throws(() => partial.next(), LineTooLongError);
    const exact = new MemcacheReplyDecoder({ maxLineLength: 8 });
    exact.feed(Buffer.from("12345678\r\n"));
    assert.deepEqual(exact.next(), Buffer.from("12345678"));
  });

  it("refuses a value over maxValueLength before buffering any of it", () => {
    const decoder = new MemcacheReplyDecoder({ maxValueLength: 10 });
    decoder.feed(Buffer.from("VALUE k 0 11\r\n"));
    assert.throws(() => decoder.next(), ValueTooLargeError);
    assert.equal(decoder.bufferedLength, 0);
    assert.equal(decoder.next(), undefined, "broken for good");
  });

  it("refuses malformed VALUE headers and, by default, a block without its CRLF trailer", () => {
    for (const header of ["VALUE k 0\r\n", "VALUE k 0 -1\r\n", "VALUE k 0 x\r\n", "VALUE k 0 1 2 3\r\n"]) {
      const decoder = new MemcacheReplyDecoder();
      decoder.feed(Buffer.from(header));
      assert.throws(() => decoder.next(), MalformedReplyError, header);
    }
    const strict = new MemcacheReplyDecoder();
    strict.feed(Buffer.from("VALUE k 0 2\r\nxyZZEND\r\n"));
    strict.next();
    assert.throws(() => strict.next(), (error: unknown) => error instanceof MalformedReplyError && error.reason === "badValueTrailer");
    const lenient = new MemcacheReplyDecoder({ checkTrailer: false });
    assert.deepEqual(decodeInChunks(Buffer.from("VALUE k 0 2\r\nxyZZEND\r\n"), 3, lenient), ["header:k,0,2:2", 'data:"xy"', "line:END"]);
  });

  it("still returns complete frames after finish() and drops a partial one", () => {
    const decoder = new MemcacheReplyDecoder();
    decoder.feed(Buffer.from("VALUE k 0 1\r\n"));
    decoder.next();
    decoder.feed(Buffer.from("x\r\nEND\r\nSTO"));
    decoder.finish();
    const frames: string[] = [];
    for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) frames.push(describeFrame(frame));
    assert.deepEqual(frames, ['data:"x"', "line:END"]);
  });

  it("works in linear time however a large value is chunked", () => {
    const value = Buffer.alloc(4 * 1024 * 1024, 0x61);
    const input = Buffer.concat([Buffer.from(`VALUE big 0 ${value.length}\r\n`), value, Buffer.from("\r\nEND\r\n")]);
    const decoder = new MemcacheReplyDecoder();
    const started = process.hrtime.bigint();
    const frames: MemcacheReplyFrame[] = [];
    for (let at = 0; at < input.length; at += 1024) {
      decoder.feed(input.subarray(at, at + 1024));
      for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) frames.push(frame);
    }
    const data = frames[1] as { data: Buffer };
    assert.ok(data.data.equals(value));
    assert.deepEqual(frames[2], Buffer.from("END"));
    // 4096 chunks: a quadratic decoder would copy ~8 GiB here; a linear one copies 4 MiB once.
    assert.ok(process.hrtime.bigint() - started < 5_000_000_000n);
  });
});
