import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AmqpDecimal, FieldValueError, Reader, Writer, decodeFieldTable, encodeFieldTable, typed } from "@torsion/amqp";

function roundTrip(table: Parameters<typeof encodeFieldTable>[1]): ReturnType<typeof decodeFieldTable> {
  const w = new Writer();
  encodeFieldTable(w, table);
  return decodeFieldTable(new Reader(w.take()));
}

describe("field tables", () => {
  it("use RabbitMQ's type codes for inferred values", () => {
    const w = new Writer();
    encodeFieldTable(w, { a: true, b: 1, c: 2 ** 40, d: 1.5, e: 7n, f: "s", g: Buffer.from([1]), h: null, i: [1], j: { k: 1 }, l: new Date(5000) });
    const bytes = w.take();
    assert.ok(bytes.includes(Buffer.from("at")), "a boolean is t");
    assert.ok(bytes.includes(Buffer.from("bI")), "an int32 number is I");
    assert.ok(bytes.includes(Buffer.from("cl")), "a larger integer is l");
    assert.ok(bytes.includes(Buffer.from("dd")), "a fraction is d");
    assert.ok(bytes.includes(Buffer.from("el")), "a bigint is l");
    assert.ok(bytes.includes(Buffer.from("fS")), "a string is S");
    assert.ok(bytes.includes(Buffer.from("gx")), "bytes are x");
    assert.ok(bytes.includes(Buffer.from("hV")), "null is V");
    assert.ok(bytes.includes(Buffer.from("iA")), "an array is A");
    assert.ok(bytes.includes(Buffer.from("jF")), "an object is F");
    assert.ok(bytes.includes(Buffer.from("lT")), "a Date is T");
  });

  it("round-trip every type, with l as bigint and T as whole seconds", () => {
    const decoded = roundTrip({
      t: true,
      b: typed("b", -5),
      B: typed("B", 250),
      s: typed("s", -300),
      u: typed("u", 65000),
      I: -70000,
      i: typed("i", 4_000_000_000),
      l: -(2n ** 62n),
      f: typed("f", 0.5),
      d: 3.25,
      D: new AmqpDecimal(2, 12345),
      S: "ünïcode",
      x: Buffer.from([0, 255]),
      A: [1, "two", [true]],
      T: new Date(1_234_567_000),
      F: { nested: { deeper: 1n } },
      V: null,
    });
    assert.deepEqual(decoded, {
      t: true,
      b: -5,
      B: 250,
      s: -300,
      u: 65000,
      I: -70000,
      i: 4_000_000_000,
      l: -(2n ** 62n),
      f: 0.5,
      d: 3.25,
      D: new AmqpDecimal(2, 12345),
      S: "ünïcode",
      x: Buffer.from([0, 255]),
      A: [1, "two", [true]],
      T: new Date(1_234_567_000),
      F: { nested: { deeper: 1n } },
      V: null,
    });
  });

  it("refuse values out of their type's range", () => {
    assert.throws(() => roundTrip({ a: typed("b", 200) }), FieldValueError);
    assert.throws(() => roundTrip({ a: (() => 1) as never }), FieldValueError);
  });

  it("fail to decode an unknown type code or a size overrunning the frame", () => {
    assert.throws(() => decodeFieldTable(new Reader(Buffer.from([0, 0, 0, 3, 1, 0x61, 0x3f]))), { name: "AmqpSyntaxError" });
    assert.throws(() => decodeFieldTable(new Reader(Buffer.from([0, 0, 0, 9, 1, 0x61]))), { name: "AmqpSyntaxError" });
  });
});
