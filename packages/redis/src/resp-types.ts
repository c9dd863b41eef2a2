/**
 * The values a RESP2/RESP3 reply decodes to. Plain JavaScript values where one fits
 * (strings, numbers, `bigint`, `Buffer`, arrays, `null`, booleans), small classes where
 * RESP3 has a type JavaScript lacks (maps and sets keep the server's order and binary keys,
 * verbatim strings their format, pushes are told apart from replies).
 */
import type { RedisError } from "./errors.js";

/**
 * One decoded RESP value:
 * - simple string `+` → `string`;
 * - error `-` / blob error `!` → {@link RedisError} (as a value inside an aggregate; at the
 *   top level it fails the command);
 * - integer `:` → `number`, or `bigint` beyond ±(2^53 − 1); big number `(` → `bigint`;
 * - bulk string `$` → `Buffer` (binary-safe); verbatim `=` → {@link VerbatimString};
 * - null (`$-1`, `*-1`, `_`) → `null`; boolean `#` → `boolean`; double `,` → `number`;
 * - array `*` → `RespValue[]`; map `%` → {@link RespMap}; set `~` → {@link RespSet};
 * - push `>` → {@link RespPush} (top level only).
 */
export type RespValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Buffer
  | RedisError
  | VerbatimString
  | RespMap
  | RespSet
  | RespPush
  | RespValue[];

/** A RESP3 verbatim string (`=`): a three-letter format (`txt`, `mkd`) and the bytes. */
export class VerbatimString {
  constructor(
    /** The format, e.g. `"txt"`. */
    readonly format: string,
    /** The text, without the `fmt:` prefix. */
    readonly value: Buffer,
  ) {}

  toString(): string {
    return this.value.toString("utf8");
  }
}

/** Turns a key or value into a string for lookups: `Buffer`s as UTF-8, others with `String()`. */
export function respToString(value: RespValue): string {
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (value instanceof VerbatimString) return value.toString();
  return String(value);
}

/**
 * A RESP3 map (`%`): its pairs in the server's order, keys as decoded (often `Buffer`s).
 * {@link get} looks a key up by its text; {@link toObject} gives a plain object.
 */
export class RespMap {
  constructor(readonly entries: Array<[RespValue, RespValue]>) {}

  /** How many pairs. */
  get size(): number {
    return this.entries.length;
  }

  /** The value of the first key whose text is `key`, or `undefined`. */
  get(key: string): RespValue | undefined {
    for (const [k, v] of this.entries) if (respToString(k) === key) return v;
    return undefined;
  }

  /** A plain object keyed by each key's text (later duplicates win). */
  toObject(): Record<string, RespValue> {
    const out: Record<string, RespValue> = {};
    for (const [k, v] of this.entries) out[respToString(k)] = v;
    return out;
  }
}

/** A RESP3 set (`~`): its members in the server's order. */
export class RespSet {
  constructor(readonly values: RespValue[]) {}

  get size(): number {
    return this.values.length;
  }
}

/** A RESP3 push (`>`): out-of-band data (pub/sub messages and confirmations, invalidations). */
export class RespPush {
  constructor(readonly values: RespValue[]) {}

  /** The push's kind: its first element as text (`"message"`, `"subscribe"`, `"invalidate"`, ...). */
  get kind(): string {
    const first = this.values[0];
    return first === undefined ? "" : respToString(first);
  }
}
