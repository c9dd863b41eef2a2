import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import {
  RedisError,
  RespDecoder,
  RespLimitError,
  RespMap,
  RespProtocolError,
  RespPush,
  RespSet,
  RespTruncatedError,
  VerbatimString,
  type RespDecoderOptions,
  type RespValue,
} from "@torsion/redis";

/** A comparable description of a decoded value (types made explicit). */
function show(value: RespValue): unknown {
  if (Buffer.isBuffer(value)) return { bulk: value.toString("latin1") };
  if (typeof value === "bigint") return { big: value.toString() };
  if (typeof value === "number" && Number.isNaN(value)) return { nan: true };
  if (value instanceof RedisError) return { error: value.code, message: value.reply };
  if (value instanceof VerbatimString) return { verbatim: value.format, text: value.toString() };
  if (value instanceof RespMap) return { map: value.entries.map(([k, v]) => [show(k), show(v)]) };
  if (value instanceof RespSet) return { set: value.values.map(show) };
  if (value instanceof RespPush) return { push: value.values.map(show) };
  if (Array.isArray(value)) return value.map(show);
  return value;
}

/** Decodes `input` fed in chunks of `size` bytes; returns every frame, then finishes. */
function decode(input: Buffer, size: number, options?: RespDecoderOptions): unknown[] {
  const decoder = new RespDecoder(options);
  const out: unknown[] = [];
  for (let at = 0; at < input.length; at += size) {
    decoder.feed(Buffer.from(input.subarray(at, at + size)));
    for (let v = decoder.next(); v !== undefined; v = decoder.next()) out.push(show(v));
  }
  decoder.finish();
  for (let v = decoder.next(); v !== undefined; v = decoder.next()) out.push(show(v));
  return out;
}

const VECTORS: Array<[string, string, unknown[]]> = [
  ["simple strings", "+OK\r\n+hello world\r\n", ["OK", "hello world"]],
  ["errors split into code and message", "-WRONGTYPE Operation against a key\r\n-ERR\r\n", [{ error: "WRONGTYPE", message: "Operation against a key" }, { error: "ERR", message: "" }]],
  ["integers", ":0\r\n:-42\r\n:1000\r\n:+7\r\n", [0, -42, 1000, 7]],
  ["integers beyond 2^53 as bigint", ":9007199254740993\r\n:-9223372036854775808\r\n:9007199254740991\r\n", [{ big: "9007199254740993" }, { big: "-9223372036854775808" }, 9007199254740991]],
  ["bulk strings, empty and null", "$5\r\nhello\r\n$0\r\n\r\n$-1\r\n", [{ bulk: "hello" }, { bulk: "" }, null]],
  ["binary bulk strings with CRLF inside", "$4\r\n\r\n\x00\xff\r\n", [{ bulk: "\r\n\x00\xff" }]],
  ["arrays, empty, null and nested", "*2\r\n$1\r\na\r\n:1\r\n*0\r\n*-1\r\n*2\r\n*1\r\n+x\r\n*0\r\n", [[{ bulk: "a" }, 1], [], null, [["x"], []]]],
  ["errors inside arrays", "*2\r\n+OK\r\n-ERR bad\r\n", [["OK", { error: "ERR", message: "bad" }]]],
  ["RESP3 null, booleans and doubles", "_\r\n#t\r\n#f\r\n,1.5\r\n,-2\r\n,inf\r\n,-inf\r\n,1e3\r\n,nan\r\n", [null, true, false, 1.5, -2, Infinity, -Infinity, 1000, { nan: true }]],
  ["RESP3 big numbers", "(3492890328409238509324850943850943825024385\r\n", [{ big: "3492890328409238509324850943850943825024385" }]],
  ["RESP3 blob errors and verbatim strings", "!21\r\nSYNTAX invalid syntax\r\n=15\r\ntxt:Some string\r\n", [{ error: "SYNTAX", message: "invalid syntax" }, { verbatim: "txt", text: "Some string" }]],
  ["RESP3 maps and sets", "%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n~2\r\n:2\r\n:3\r\n%0\r\n", [{ map: [["first", 1], [{ bulk: "second" }, { set: [2, 3] }]] }, { map: [] }]],
  ["RESP3 pushes", ">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n", [{ push: [{ bulk: "subscribe" }, { bulk: "a" }, 1] }]],
  ["RESP3 attributes are not frames", "|1\r\n+ttl\r\n:3600\r\n*2\r\n:1\r\n|1\r\n+a\r\n+b\r\n:2\r\n", [[1, 2]]],
];

describe("RespDecoder", () => {
  for (const [name, wire, expected] of VECTORS) {
    it(`decodes ${name} the same at every chunk size`, () => {
      const input = Buffer.from(wire, "latin1");
      for (let size = 1; size <= input.length; size += 1) assert.deepEqual(decode(input, size), expected, `chunk size ${size}`);
    });
  }

  it("keeps the last attribute it saw", () => {
    const decoder = new RespDecoder();
    decoder.feed(Buffer.from("|1\r\n+key-popularity\r\n:7\r\n+OK\r\n"));
    assert.equal(decoder.next(), "OK");
    assert.equal(decoder.lastAttribute?.get("key-popularity"), 7);
  });

  it("returns a bulk string of 1 MiB fed in 1000-byte chunks intact", () => {
    const payload = Buffer.alloc(1 << 20);
    for (let i = 0; i < payload.length; i += 1) payload[i] = (i * 7) & 0xff;
    const input = Buffer.concat([Buffer.from(`$${payload.length}\r\n`), payload, Buffer.from("\r\n")]);
    const decoder = new RespDecoder();
    let got: RespValue | undefined;
    for (let at = 0; at < input.length; at += 1000) {
      decoder.feed(input.subarray(at, at + 1000));
      got ??= decoder.next();
    }
    assert.ok(Buffer.isBuffer(got) && got.equals(payload));
    assert.equal(decoder.bufferedLength, 0);
  });

  it("assembles an aggregate nested 200 deep fed one byte at a time", () => {
    const input = Buffer.from("*1\r\n".repeat(200) + ":5\r\n");
    let value = decode(input, 1)[0];
    for (let depth = 0; depth < 200; depth += 1) {
      assert.ok(Array.isArray(value) && value.length === 1);
      value = value[0];
    }
    assert.equal(value, 5);
  });

  it("reports how many bytes it holds while a reply is incomplete", () => {
    const decoder = new RespDecoder();
    decoder.feed(Buffer.from("$10\r\nhello"));
    assert.equal(decoder.next(), undefined);
    assert.equal(decoder.bufferedLength, 5);
    decoder.feed(Buffer.from("world\r\n"));
    assert.equal((decoder.next() as Buffer).toString(), "helloworld");
    assert.equal(decoder.bufferedLength, 0);
  });

  it("refuses a bulk string over maxBulkLength from its header, before its payload", () => {
    const decoder = new RespDecoder({ maxBulkLength: 10 });
    decoder.feed(Buffer.from("$11\r\n"));
    assert.throws(() => decoder.next(), (e: unknown) => e instanceof RespLimitError && e.limit === "bulk" && e.code === "ERR_REDIS_LIMIT");
    assert.equal(decoder.next(), undefined, "broken for good");
  });

  it("refuses aggregates, lines and nesting over their limits", () => {
    const cases: Array<[string, RespDecoderOptions, string]> = [
      ["*5\r\n", { maxAggregateLength: 4 }, "aggregate"],
      ["%3\r\n", { maxAggregateLength: 2 }, "aggregate"],
      [`+${"x".repeat(100)}\r\n`, { maxLineLength: 50 }, "line"],
      [`+${"x".repeat(100)}`, { maxLineLength: 50 }, "line"],
      ["*1\r\n*1\r\n*1\r\n:1\r\n", { maxDepth: 2 }, "depth"],
    ];
    for (const [wire, options, limit] of cases) {
      for (const size of [1, 3, wire.length]) {
        assert.throws(() => decode(Buffer.from(wire), size, options), (e: unknown) => e instanceof RespLimitError && e.limit === limit, `${JSON.stringify(wire)} at ${size}`);
      }
    }
  });

  it("throws RespProtocolError for malformed input", () => {
    for (const wire of ["?\r\n", "+OK\n", "$3\r\nabcd\r\n", "$x\r\n", ":12a\r\n", "#x\r\n", ",1.2.3\r\n", "*-2\r\n", "%-1\r\n", "=2\r\nab\r\n", "$?\r\n", "\r\n", "_x\r\n"]) {
      assert.throws(() => decode(Buffer.from(wire), 1), RespProtocolError, JSON.stringify(wire));
    }
  });

  it("throws RespTruncatedError when the stream ends inside a reply, after the complete ones", () => {
    const decoder = new RespDecoder();
    decoder.feed(Buffer.from("+OK\r\n*2\r\n:1\r\n"));
    decoder.finish();
    assert.equal(decoder.next(), "OK");
    assert.throws(() => decoder.next(), RespTruncatedError);
    const clean = new RespDecoder();
    clean.feed(Buffer.from("+OK\r\n"));
    clean.finish();
    assert.equal(clean.next(), "OK");
    assert.equal(clean.next(), undefined);
  });

  it("ignores feeds after finish", () => {
    const decoder = new RespDecoder();
    decoder.finish();
    decoder.feed(Buffer.from("+OK\r\n"));
    assert.equal(decoder.next(), undefined);
  });

  it("copies small bulk strings out of big read buffers and keeps big ones as views", () => {
    const slab = Buffer.alloc(65536);
    const wire = Buffer.from("$3\r\nabc\r\n$100\r\n" + "y".repeat(100) + "\r\n");
    wire.copy(slab);
    const decoder = new RespDecoder();
    decoder.feed(slab.subarray(0, wire.length));
    const small = decoder.next() as Buffer;
    const big = decoder.next() as Buffer;
    assert.equal(small.toString(), "abc");
    assert.notEqual(small.buffer, slab.buffer);
    assert.equal(big.buffer, slab.buffer);
  });
});
