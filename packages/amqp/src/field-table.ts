/**
 * AMQP field tables and arrays with RabbitMQ's type codes (the 0-9-1 errata, which is what
 * brokers speak, not the spec XML's list):
 * `t` bool, `b` int8, `B` uint8, `s` int16, `u` uint16, `I` int32, `i` uint32, `l` int64,
 * `f` float32, `d` float64, `D` decimal, `S` long string, `x` byte array, `A` array,
 * `T` timestamp (seconds), `F` nested table, `V` void.
 *
 * Decoding: integers become `number`, except `l` which becomes `bigint`; `S` becomes a
 * string (UTF-8), `x` a Buffer, `T` a Date (whole seconds), `D` a {@link AmqpDecimal}, `V`
 * `null`. Encoding infers the code from the JavaScript value (see {@link FieldValue});
 * wrap a value with {@link typed} to choose the code yourself.
 */
import { AmqpSyntaxError, FieldValueError } from "./errors.js";
import type { Reader, Writer } from "./spec/codec-io.js";

/** A field type code. */
export type FieldTypeCode = "t" | "b" | "B" | "s" | "u" | "I" | "i" | "l" | "f" | "d" | "D" | "S" | "x" | "A" | "T" | "F" | "V";

/** An AMQP decimal: `value / 10 ** scale`. */
export class AmqpDecimal {
  constructor(
    /** Digits after the point (0..255). */
    readonly scale: number,
    /** The unscaled value, a signed 32-bit integer. */
    readonly value: number,
  ) {}
}

/** A value with an explicit type code; made by {@link typed}. */
export class TypedFieldValue {
  constructor(
    readonly type: FieldTypeCode,
    readonly value: FieldValue,
  ) {}
}

/** Wraps `value` so it is written with type code `type` (`typed("s", 5)` is an int16). */
export function typed(type: FieldTypeCode, value: FieldValue): TypedFieldValue {
  return new TypedFieldValue(type, value);
}

/**
 * What a field table holds. Written as: boolean `t`; integer number `I` if it fits 32 bits,
 * else `l`; other number `d`; bigint `l`; string `S`; Buffer/Uint8Array `x`; Date `T`;
 * `null` `V`; array `A`; {@link AmqpDecimal} `D`; {@link TypedFieldValue} its code; a plain
 * object `F`.
 */
export type FieldValue =
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Date
  | null
  | AmqpDecimal
  | TypedFieldValue
  | readonly FieldValue[]
  | FieldTable;

/** A field table: names (short strings) to values. Keys whose value is `undefined` are left out. */
export interface FieldTable {
  [name: string]: FieldValue | undefined;
}

const MAX_DEPTH = 64;

/** Writes `table` (uint32 byte size, then entries). */
export function encodeFieldTable(w: Writer, table: FieldTable): void {
  encodeNested(w, table, 0);
}

function encodeArray(w: Writer, values: readonly FieldValue[], depth: number): void {
  w.ensure(4);
  const sizeAt = w.pos;
  w.pos += 4;
  for (const value of values) encodeValue(w, value, depth + 1);
  w.buf.writeUInt32BE(w.pos - sizeAt - 4, sizeAt);
}

function encodeValue(w: Writer, value: FieldValue, depth: number): void {
  if (depth > MAX_DEPTH) throw new FieldValueError(`field values nested deeper than ${MAX_DEPTH}`);
  if (value instanceof TypedFieldValue) {
    encodeTyped(w, value.type, value.value, depth);
    return;
  }
  switch (typeof value) {
    case "boolean":
      encodeTyped(w, "t", value, depth);
      return;
    case "number":
      if (Number.isInteger(value)) {
        encodeTyped(w, value >= -0x8000_0000 && value <= 0x7fff_ffff ? "I" : "l", value, depth);
        return;
      }
      encodeTyped(w, "d", value, depth);
      return;
    case "bigint":
      encodeTyped(w, "l", value, depth);
      return;
    case "string":
      encodeTyped(w, "S", value, depth);
      return;
    case "object":
      if (value === null) {
        encodeTyped(w, "V", value, depth);
        return;
      }
      if (value instanceof Uint8Array) {
        encodeTyped(w, "x", value, depth);
        return;
      }
      if (value instanceof Date) {
        encodeTyped(w, "T", value, depth);
        return;
      }
      if (value instanceof AmqpDecimal) {
        encodeTyped(w, "D", value, depth);
        return;
      }
      if (Array.isArray(value)) {
        encodeTyped(w, "A", value, depth);
        return;
      }
      encodeTyped(w, "F", value, depth);
      return;
    default:
      throw new FieldValueError(`cannot write a ${typeof value} in a field table`);
  }
}

function num(value: FieldValue, code: FieldTypeCode, min: number, max: number): number {
  const n = typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new FieldValueError(`type ${code} needs an integer in [${min}, ${max}], got ${typeof value === "number" || typeof value === "bigint" ? value.toString() : typeof value}`);
  }
  return n;
}

function encodeTyped(w: Writer, code: FieldTypeCode, value: FieldValue, depth: number): void {
  w.ensure(10);
  w.buf[w.pos++] = code.charCodeAt(0);
  const b = w.buf;
  switch (code) {
    case "t":
      b[w.pos++] = value === true ? 1 : 0;
      return;
    case "b":
      w.pos = b.writeInt8(num(value, code, -128, 127), w.pos);
      return;
    case "B":
      w.pos = b.writeUInt8(num(value, code, 0, 255), w.pos);
      return;
    case "s":
      w.pos = b.writeInt16BE(num(value, code, -0x8000, 0x7fff), w.pos);
      return;
    case "u":
      w.pos = b.writeUInt16BE(num(value, code, 0, 0xffff), w.pos);
      return;
    case "I":
      w.pos = b.writeInt32BE(num(value, code, -0x8000_0000, 0x7fff_ffff), w.pos);
      return;
    case "i":
      w.pos = b.writeUInt32BE(num(value, code, 0, 0xffff_ffff), w.pos);
      return;
    case "l": {
      const big = typeof value === "bigint" ? value : BigInt(num(value, code, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
      w.pos = b.writeBigInt64BE(BigInt.asIntN(64, big), w.pos);
      return;
    }
    case "f":
    case "d": {
      if (typeof value !== "number") throw new FieldValueError(`type ${code} needs a number`);
      w.pos = code === "f" ? b.writeFloatBE(value, w.pos) : b.writeDoubleBE(value, w.pos);
      return;
    }
    case "D": {
      if (!(value instanceof AmqpDecimal)) throw new FieldValueError("type D needs an AmqpDecimal");
      w.pos = b.writeUInt8(num(value.scale, code, 0, 255), w.pos);
      w.pos = b.writeInt32BE(num(value.value, code, -0x8000_0000, 0x7fff_ffff), w.pos);
      return;
    }
    case "S":
    case "x":
      if (typeof value !== "string" && !(value instanceof Uint8Array)) throw new FieldValueError(`type ${code} needs a string or bytes`);
      w.longstr(value);
      return;
    case "T":
      if (!(value instanceof Date)) throw new FieldValueError("type T needs a Date");
      w.timestamp(value);
      return;
    case "A":
      if (!Array.isArray(value)) throw new FieldValueError("type A needs an array");
      encodeArray(w, value as readonly FieldValue[], depth);
      return;
    case "F":
      if (typeof value !== "object" || value === null) throw new FieldValueError("type F needs an object");
      encodeNested(w, value as FieldTable, depth);
      return;
    case "V":
      return;
    default:
      throw new FieldValueError(`unknown field type code ${JSON.stringify(code)}`);
  }
}

function encodeNested(w: Writer, table: FieldTable, depth: number): void {
  w.ensure(4);
  const sizeAt = w.pos;
  w.pos += 4;
  for (const name of Object.keys(table)) {
    const value = table[name];
    if (value === undefined) continue;
    w.shortstr(name);
    encodeValue(w, value, depth + 1);
  }
  w.buf.writeUInt32BE(w.pos - sizeAt - 4, sizeAt);
}

/** Reads a field table (uint32 byte size, then entries). */
export function decodeFieldTable(r: Reader, depth = 0): FieldTable {
  const size = r.long();
  const end = r.pos + size;
  if (end > r.pos + r.remaining) throw new AmqpSyntaxError(`field table of ${size} bytes overruns its frame`);
  const table: FieldTable = {};
  while (r.pos < end) {
    const name = r.shortstr();
    table[name] = decodeValue(r, depth);
  }
  if (r.pos !== end) throw new AmqpSyntaxError("field table entry overruns the table's size");
  return table;
}

function decodeArray(r: Reader, depth: number): FieldValue[] {
  const size = r.long();
  const end = r.pos + size;
  if (end > r.pos + r.remaining) throw new AmqpSyntaxError(`field array of ${size} bytes overruns its frame`);
  const values: FieldValue[] = [];
  while (r.pos < end) values.push(decodeValue(r, depth));
  if (r.pos !== end) throw new AmqpSyntaxError("field array entry overruns the array's size");
  return values;
}

function decodeValue(r: Reader, depth: number): FieldValue {
  if (depth > MAX_DEPTH) throw new AmqpSyntaxError(`field values nested deeper than ${MAX_DEPTH}`);
  const code = r.octet();
  switch (code) {
    case 0x74: // t
      return r.octet() !== 0;
    case 0x62: // b
      return r.int8();
    case 0x42: // B
      return r.octet();
    case 0x73: // s
      return r.int16();
    case 0x75: // u
      return r.short();
    case 0x49: // I
      return r.int32();
    case 0x69: // i
      return r.long();
    case 0x6c: // l
      return r.int64();
    case 0x66: // f
      return r.float();
    case 0x64: // d
      return r.double();
    case 0x44: {
      // D
      const scale = r.octet();
      return new AmqpDecimal(scale, r.int32());
    }
    case 0x53: // S
      return r.longstr();
    case 0x78: // x
      return Buffer.from(r.longstrBytes());
    case 0x41: // A
      return decodeArray(r, depth + 1);
    case 0x54: // T
      return r.timestamp();
    case 0x46: // F
      return decodeFieldTable(r, depth + 1);
    case 0x56: // V
      return null;
    default:
      throw new AmqpSyntaxError(`unknown field type code 0x${code.toString(16)}`);
  }
}
