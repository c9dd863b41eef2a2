import { MAX_VALUE_LENGTH } from "./amp-box.js";
import { WIRE_INTEGER, WIRE_TEXT, fastPathsOf, type Argument, type Schema } from "./argument.js";
import { BadLocalValueError, MissingKeyError, TooLong } from "./errors.js";

/** One key of a {@link BoxPlan}, in wire order. */
interface PlanField {
  readonly key: string;
  /** The key's wire bytes: its 2-byte length, then the key. */
  readonly header: Buffer;
  /** The schema's argument, or `null` for an extra key (`_command`, `_ask`, `_answer`). */
  readonly argument: Argument | null;
  /** The argument's text encoder, when it has one ({@link WIRE_TEXT}). */
  readonly text: ((value: unknown) => string) | null;
  /** True when a safe integer is written as its decimal digits ({@link WIRE_INTEGER}). */
  readonly integer: boolean;
  /** For an extra key: its index in the `extras` given to {@link BoxPlan.encode}. */
  readonly extra: number;
}

/**
 * The encoded values of one box, from {@link BoxPlan.encodeValues}: bytes, latin1 text, a
 * safe integer written as its decimal digits, or `null` for a left-out optional value.
 */
export type PlanWires = readonly (Buffer | string | number | null)[];
type Wire = Buffer | string | number | null;

/**
 * The value of an extra key: latin1 text, or a tag number (a safe integer >= 0) written as
 * its lowercase hex digits, as `tag.toString(16)` would be, without making that string.
 */
export type PlanExtra = string | number;

/** Below this many bytes a JS loop copies faster than a call into the `Buffer` natives. */
const SMALL = 48;

/**
 * The wire form of the boxes of one schema plus fixed extra keys (a command's requests with
 * `_command` and `_ask`, its answers with `_answer`), written straight into one `Buffer`:
 * the keys are constant, so their sorted order and their bytes are computed once, and
 * values go from the arguments' encoders to the output without an {@link AmpBox} or a
 * `Buffer` per key. The bytes are exactly those of `AmpBox.serialize()` for the same
 * pairs: bytewise-sorted keys, each pair as 2-byte length + key, 2-byte length + value,
 * then `00 00`.
 */
export class BoxPlan {
  /** Schema keys in schema order (the order values are encoded in, as `encodeSchema` does), then the extras. */
  readonly #fields: readonly PlanField[];
  /** Indices into {@link #fields} in bytewise-sorted key order (the wire order). */
  readonly #order: readonly number[];
  /** An array {@link release}d for reuse by {@link encodeValues}, or `null`. */
  #spare: Wire[] | null = null;

  /**
   * @param schema - the arguments (names validated by `Command`: 1..255 ASCII bytes).
   * @param extras - extra keys whose values are given per box; they must not be schema keys.
   */
  constructor(schema: Schema, extras: readonly string[]) {
    const fields: PlanField[] = [];
    for (const [key, argument] of Object.entries(schema)) {
      const fast = fastPathsOf(argument);
      fields.push({
        key,
        header: keyHeader(key),
        argument,
        text: fast[WIRE_TEXT] ?? null,
        integer: fast[WIRE_INTEGER] === true,
        extra: -1,
      });
    }
    extras.forEach((key, extra) => fields.push({ key, header: keyHeader(key), argument: null, text: null, integer: false, extra }));
    this.#fields = fields;
    this.#order = fields.map((_, i) => i).sort((x, y) => compareKeys((fields[x] as PlanField).key, (fields[y] as PlanField).key));
  }

  /** True when a plan can be made: no schema key is one of `extras`. */
  static fits(schema: Schema, extras: readonly string[]): boolean {
    return extras.every((key) => !Object.hasOwn(schema, key));
  }

  /**
   * The wire bytes of the box holding `values` (by the schema: a missing or `null`
   * optional value is left out) and `extras` (latin1 text, in the order given to the
   * constructor).
   * @throws MissingKeyError for a missing required value; whatever an encoder throws
   *   (`BadLocalValueError`)
   * @throws TooLong (`isLocal` true) for the first over-long value in sorted key order
   */
  encode(values: Readonly<Record<string, unknown>>, extras: readonly PlanExtra[]): Buffer {
    return this.assemble(this.encodeValues(values), extras);
  }

  /**
   * The first half of {@link encode}: each value's wire form (`null` for a left-out
   * optional one), encoded in schema order as `encodeSchema` does.
   * @throws MissingKeyError, or whatever an encoder throws
   */
  encodeValues(values: Readonly<Record<string, unknown>>): PlanWires {
    const fields = this.#fields;
    let wires = this.#spare;
    if (wires !== null) this.#spare = null;
    else wires = new Array<Wire>(fields.length);
    for (let i = 0; i < fields.length; i += 1) {
      const field = fields[i] as PlanField;
      let wire: Wire;
      const argument = field.argument;
      if (argument === null) wire = null;
      else {
        const value = values[field.key];
        if (value === undefined || value === null) {
          if (!argument.optional) throw new MissingKeyError(field.key);
          wire = null;
        } else if (field.integer && Number.isSafeInteger(value)) wire = value as number;
        else wire = field.text !== null ? field.text(value) : bytesOf(argument.toWire(value));
      }
      wires[i] = wire;
    }
    return wires;
  }

  /**
   * Hands back `wires` (from {@link encodeValues}) once the box is written, so the next
   * {@link encodeValues} fills the same array instead of a new one. Optional; the values
   * are cleared (the plan keeps no reference to them).
   */
  release(wires: PlanWires): void {
    const array = wires as Wire[];
    for (let i = 0; i < array.length; i += 1) array[i] = null;
    this.#spare = array;
  }

  /**
   * The second half of {@link encode}: the box of `wires` (from {@link encodeValues}) and
   * `extras`.
   * @throws TooLong (`isLocal` true) for the first over-long value in sorted key order
   */
  assemble(wires: PlanWires, extras: readonly PlanExtra[]): Buffer {
    const out = Buffer.allocUnsafe(this.measure(wires, extras));
    this.writeInto(wires, extras, out, 0);
    return out;
  }

  /**
   * The length of the box {@link assemble} would make.
   * @throws TooLong (`isLocal` true) for the first over-long value in sorted key order
   */
  measure(wires: PlanWires, extras: readonly PlanExtra[]): number {
    const fields = this.#fields;
    let total = 2;
    for (const i of this.#order) {
      const field = fields[i] as PlanField;
      const extra = field.argument === null;
      const wire = extra ? (extras[field.extra] as PlanExtra) : (wires[i] as Wire);
      if (wire === null) continue;
      const length = typeof wire === "number" ? digitCount(wire, extra ? 16 : 10) : wire.length;
      if (length > MAX_VALUE_LENGTH) throw new TooLong(false, true, field.key, length);
      total += field.header.length + 2 + length;
    }
    return total;
  }

  /**
   * Writes the box of {@link assemble} into `out` at `pos`, after {@link measure} said how
   * long it is (and that it can be sent). Returns the position after it.
   */
  writeInto(wires: PlanWires, extras: readonly PlanExtra[], out: Buffer, pos: number): number {
    const fields = this.#fields;
    for (const i of this.#order) {
      const field = fields[i] as PlanField;
      const extra = field.argument === null;
      const wire = extra ? (extras[field.extra] as PlanExtra) : (wires[i] as Wire);
      if (wire === null) continue;
      pos = copyBytes(field.header, out, pos);
      if (typeof wire === "number") {
        pos = writeNumber(wire, extra ? 16 : 10, out, pos);
        continue;
      }
      const length = wire.length;
      out[pos] = length >>> 8;
      out[pos + 1] = length & 0xff;
      pos += 2;
      pos = typeof wire === "string" ? copyText(wire, out, pos) : copyBytes(wire, out, pos);
    }
    out[pos] = 0;
    out[pos + 1] = 0;
    return pos + 2;
  }
}

/**
 * The length of a safe integer's form in `radix` (10 for integer arguments, 16 for tags):
 * `-` included, -0 is `0`.
 */
function digitCount(value: number, radix: number): number {
  let count = value < 0 ? 2 : 1;
  const magnitude = Math.abs(value);
  // Powers of 10 and 16 are exact doubles up to the first one above every safe integer.
  for (let power = radix; magnitude >= power; power *= radix) count += 1;
  return count;
}

/**
 * Writes a safe integer's 2-byte length and its digits in `radix` (as `value.toString(radix)`,
 * lowercase, -0 as `0`) at `pos`. Returns the position after them.
 */
function writeNumber(value: number, radix: number, out: Buffer, pos: number): number {
  const length = digitCount(value, radix);
  out[pos] = 0;
  out[pos + 1] = length;
  pos += 2;
  let rest = Math.abs(value);
  if (value < 0) out[pos] = 0x2d;
  let at = pos + length - 1;
  // Above 2^31 - 1, double arithmetic down to where int32 arithmetic takes over.
  for (; rest > 0x7fffffff; at -= 1) {
    out[at] = digitByte(rest % radix);
    rest = Math.floor(rest / radix);
  }
  for (let small = rest | 0; ; at -= 1) {
    const quotient = (small / radix) | 0;
    out[at] = digitByte(small - quotient * radix);
    if (small < radix) break;
    small = quotient;
  }
  return pos + length;
}

/** The ASCII byte of a digit 0-15 (lowercase hex letters). */
function digitByte(digit: number): number {
  return digit < 10 ? 0x30 + digit : 0x57 + digit;
}

/** A value from an encoder, checked as `AmpBox.set` checks it. */
function bytesOf(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (!(value instanceof Uint8Array)) {
    throw new BadLocalValueError("AmpBox", `a value must be bytes (Uint8Array), got ${typeof value}`);
  }
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function compareKeys(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function keyHeader(key: string): Buffer {
  const header = Buffer.allocUnsafe(2 + key.length);
  header.writeUInt16BE(key.length, 0);
  header.write(key, 2, "latin1");
  return header;
}

function copyBytes(source: Buffer, out: Buffer, pos: number): number {
  const length = source.length;
  if (length >= SMALL) return pos + source.copy(out, pos);
  for (let i = 0; i < length; i += 1) out[pos + i] = source[i] as number;
  return pos + length;
}

/** Writes latin1 `text` (every code unit below 256). */
function copyText(text: string, out: Buffer, pos: number): number {
  const length = text.length;
  if (length >= SMALL) return pos + out.write(text, pos, length, "latin1");
  for (let i = 0; i < length; i += 1) out[pos + i] = text.charCodeAt(i);
  return pos + length;
}
