/**
 * Conversions from decoded replies to what the typed helpers return. Each accepts both the
 * RESP2 and the RESP3 shape of the same reply (a RESP2 flat array or a RESP3 map, a bulk
 * string or a double) and throws {@link RedisReplyTypeError} for anything else.
 */
import { RedisReplyTypeError } from "./errors.js";
import { RespMap, RespSet, VerbatimString, respToString, type RespValue } from "./resp-types.js";

/** A conversion applied to a reply before the command's Deferred fires. */
export type ReplyConverter<T> = (value: RespValue) => T;

function wrong(expected: string, value: RespValue): never {
  const shown = Buffer.isBuffer(value) ? "bulk string" : Array.isArray(value) ? "array" : value === null ? "null" : typeof value === "object" ? value.constructor.name : typeof value;
  throw new RedisReplyTypeError(`expected ${expected}, got ${shown}`);
}

/** A bulk string or null, as bytes. */
export const toBufferOrNull: ReplyConverter<Buffer | null> = (value) => {
  if (value === null || Buffer.isBuffer(value)) return value;
  if (typeof value === "string") return Buffer.from(value);
  if (value instanceof VerbatimString) return value.value;
  return wrong("a bulk string", value);
};

/** A bulk string or null, as UTF-8 text. */
export const toStringOrNull: ReplyConverter<string | null> = (value) => (value === null ? null : toText(value));

/** Any string-like reply as text. */
export const toText: ReplyConverter<string> = (value) => {
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value) || value instanceof VerbatimString) return value.toString();
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return wrong("a string", value);
};

/** An integer reply as a number (a bigint beyond 2^53 stays a bigint). */
export const toInteger: ReplyConverter<number> = (value) => {
  if (typeof value === "number") return value;
  return wrong("an integer", value);
};

/** An integer reply as a number, or null. */
export const toIntegerOrNull: ReplyConverter<number | null> = (value) => (value === null ? null : toInteger(value));

/** A number from an integer, a RESP3 double or a numeric bulk string (RESP2 scores). */
export const toNumber: ReplyConverter<number> = (value) => {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (Buffer.isBuffer(value) || typeof value === "string") {
    const text = value.toString().toLowerCase();
    if (text === "inf" || text === "+inf") return Infinity;
    if (text === "-inf") return -Infinity;
    const n = Number(text);
    if (text.trim() !== "" && !Number.isNaN(n)) return n;
  }
  return wrong("a number", value);
};

/** A number or null (for example `ZSCORE` of a missing member). */
export const toNumberOrNull: ReplyConverter<number | null> = (value) => (value === null ? null : toNumber(value));

/** `1`/`0` (or a RESP3 boolean) as a boolean. */
export const toBoolean: ReplyConverter<boolean> = (value) => {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  return wrong("an integer 0 or 1", value);
};

/** `+OK` as true; a null reply (a `SET ... NX` that did not set) as false. */
export const toOk: ReplyConverter<boolean> = (value) => {
  if (value === null) return false;
  if (value === "OK") return true;
  return wrong("OK or null", value);
};

/** The elements of an array or a RESP3 set. */
export function elements(value: RespValue): RespValue[] {
  if (Array.isArray(value)) return value;
  if (value instanceof RespSet) return value.values;
  return wrong("an array", value);
}

/** An array of bulk strings (nulls kept) as bytes. */
export const toBufferArray: ReplyConverter<Array<Buffer | null>> = (value) => elements(value).map(toBufferOrNull);

/** An array of bulk strings, none null (e.g. `LRANGE`, `SMEMBERS`), as bytes. */
export const toBuffers: ReplyConverter<Buffer[]> = (value) =>
  elements(value).map((item) => {
    const buffer = toBufferOrNull(item);
    return buffer === null ? wrong("a bulk string", item) : buffer;
  });

/** An array of strings as text. */
export const toStrings: ReplyConverter<string[]> = (value) => elements(value).map(toText);

/** A hash (`HGETALL`): a RESP3 map, or RESP2's flat field/value array, as an object of bytes. */
export const toHash: ReplyConverter<Record<string, Buffer>> = (value) => {
  const out: Record<string, Buffer> = {};
  const put = (field: RespValue, item: RespValue): void => {
    const bytes = toBufferOrNull(item);
    if (bytes === null) wrong("a bulk string", item);
    out[respToString(field)] = bytes;
  };
  if (value instanceof RespMap) {
    for (const [field, item] of value.entries) put(field, item);
    return out;
  }
  const flat = elements(value);
  if (flat.length % 2 !== 0) wrong("an even-length array", value);
  for (let i = 0; i < flat.length; i += 2) put(flat[i] as RespValue, flat[i + 1] as RespValue);
  return out;
};

/** Members with scores (`ZRANGE ... WITHSCORES`): RESP2's flat array or RESP3's pairs. */
export const toScored: ReplyConverter<Array<[Buffer, number]>> = (value) => {
  const items = elements(value);
  const out: Array<[Buffer, number]> = [];
  if (items.length > 0 && Array.isArray(items[0])) {
    for (const pair of items) {
      const [member, score] = elements(pair);
      out.push([toBuffers([member ?? null])[0] as Buffer, toNumber(score ?? null)]);
    }
    return out;
  }
  if (items.length % 2 !== 0) wrong("an even-length array", value);
  for (let i = 0; i < items.length; i += 2) {
    const member = toBufferOrNull(items[i] as RespValue);
    if (member === null) wrong("a bulk string", null);
    out.push([member, toNumber(items[i + 1] as RespValue)]);
  }
  return out;
};

/** A `SCAN`-family reply: the next cursor and a batch. */
export const toScanPage: ReplyConverter<{ cursor: string; items: RespValue[] }> = (value) => {
  const pair = elements(value);
  if (pair.length !== 2) wrong("a [cursor, items] pair", value);
  return { cursor: toText(pair[0] as RespValue), items: elements(pair[1] as RespValue) };
};
