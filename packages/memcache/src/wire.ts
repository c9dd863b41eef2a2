/**
 * Small byte-level helpers of the memcached text protocol: Python `int()` parsing of reply
 * fields (what Twisted accepts), whitespace splitting, Python's `repr` of bytes (Twisted's
 * error messages), and argument validation.
 */
import { InvalidArgumentError, InvalidKeyError } from "./errors.js";

/** Whether `byte` is ASCII whitespace as Python's `bytes.split()` and `int()` see it. */
export function isPythonSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/**
 * Parses `bytes` as Python's `int(bytes)` does in base 10: optional surrounding ASCII
 * whitespace, an optional sign, decimal digits with single underscores between them.
 * Returns `null` where Python raises `ValueError`.
 */
export function parsePythonInt(bytes: Uint8Array): bigint | null {
  let start = 0;
  let end = bytes.length;
  while (start < end && isPythonSpace(bytes[start] as number)) start += 1;
  while (end > start && isPythonSpace(bytes[end - 1] as number)) end -= 1;
  let negative = false;
  if (start < end && (bytes[start] === 0x2b || bytes[start] === 0x2d)) {
    negative = bytes[start] === 0x2d;
    start += 1;
  }
  if (start >= end) return null;
  let digits = "";
  let previousDigit = false;
  for (let i = start; i < end; i += 1) {
    const byte = bytes[i] as number;
    if (byte >= 0x30 && byte <= 0x39) {
      digits += String.fromCharCode(byte);
      previousDigit = true;
    } else if (byte === 0x5f && previousDigit && i + 1 < end) {
      previousDigit = false;
    } else {
      return null;
    }
  }
  if (!previousDigit) return null;
  const value = BigInt(digits);
  return negative ? -value : value;
}

/** Parses an unsigned decimal without sign, spaces or underscores (what memcached sends); `null` otherwise. */
export function parseStrictUnsigned(bytes: Uint8Array): bigint | null {
  if (bytes.length === 0 || bytes.length > 20) return null;
  for (const byte of bytes) if (byte < 0x30 || byte > 0x39) return null;
  return BigInt(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1"));
}

/** Splits `bytes` from offset `from` on runs of ASCII whitespace, as Python's `bytes.split()` (views, no copies). */
export function splitWhitespace(bytes: Buffer, from = 0): Buffer[] {
  const fields: Buffer[] = [];
  let i = from;
  const n = bytes.length;
  while (i < n) {
    while (i < n && isPythonSpace(bytes[i] as number)) i += 1;
    if (i >= n) break;
    const start = i;
    while (i < n && !isPythonSpace(bytes[i] as number)) i += 1;
    fields.push(bytes.subarray(start, i));
  }
  return fields;
}

/** Python's `repr()` of a bytes object (`b'abc'`, `b"it's"`, `b'\xff'`), as Twisted puts it in error messages. */
export function pythonBytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = "b" + quote;
  for (const byte of bytes) {
    if (byte === 0x5c) out += "\\\\";
    else if (byte === 0x09) out += "\\t";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (byte < 0x20 || byte >= 0x7f) out += "\\x" + byte.toString(16).padStart(2, "0");
    else if (String.fromCharCode(byte) === quote) out += "\\" + quote;
    else out += String.fromCharCode(byte);
  }
  return out + quote;
}

/** The longest key memcached accepts, in bytes (Twisted's `MAX_KEY_LENGTH`). */
export const MAX_KEY_LENGTH = 250;

/** A key as the protocol methods accept it: bytes, or (outside Twisted compatibility) a string sent as UTF-8. */
export type MemcacheKey = Uint8Array | string;

/** Python's `type(x)` text for Twisted's "Invalid type" messages. */
function pythonTypeName(value: unknown): string {
  if (typeof value === "string") return "<class 'str'>";
  if (typeof value === "number" || typeof value === "bigint")
    return Number.isInteger(value) || typeof value === "bigint" ? "<class 'int'>" : "<class 'float'>";
  if (typeof value === "boolean") return "<class 'bool'>";
  if (value === null || value === undefined) return "<class 'NoneType'>";
  return `<class '${typeof value}'>`;
}

/**
 * Checks and encodes one key. Torsion's rule (memcached's protocol.txt): 1–250 bytes, no
 * byte at or below 0x20 (space and control characters, CR and LF among them) and no DEL.
 * With `twisted` set, Twisted's checks only: bytes required, and at most 250 bytes when
 * `checkLength`. Throws {@link InvalidKeyError}.
 */
export function encodeKey(key: unknown, twisted: boolean, checkLength = true): Buffer {
  let bytes: Buffer;
  if (key instanceof Uint8Array) bytes = Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  else if (typeof key === "string" && !twisted) bytes = Buffer.from(key, "utf8");
  else throw new InvalidKeyError(`Invalid type for key: ${pythonTypeName(key)}, expecting bytes`);
  if (checkLength && bytes.length > MAX_KEY_LENGTH) throw new InvalidKeyError("Key too long");
  if (twisted) return bytes;
  if (bytes.length === 0) throw new InvalidKeyError("Key is empty");
  for (const byte of bytes) {
    if (byte <= 0x20 || byte === 0x7f)
      throw new InvalidKeyError(`Key holds a space or control character (0x${byte.toString(16).padStart(2, "0")})`);
  }
  return bytes;
}

/** Checks a value: bytes only (`Buffer` or `Uint8Array`); strings are refused, never encoded. */
export function encodeValue(value: unknown): Buffer {
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new InvalidArgumentError(`Invalid type for value: ${pythonTypeName(value)}, expecting bytes`);
}

/**
 * Formats an integer argument as Python's `%d` does (a float is truncated toward zero).
 * Outside Twisted compatibility the value must be an integer within `[min, max]`.
 */
export function formatInteger(name: string, value: number | bigint, twisted: boolean, min: bigint, max: bigint): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(`${name} must be a finite integer, got ${String(value)}`);
    if (!twisted && !Number.isInteger(value)) throw new InvalidArgumentError(`${name} must be an integer, got ${String(value)}`);
  } else if (typeof value !== "bigint") {
    throw new InvalidArgumentError(`${name} must be a number or bigint, got ${typeof value}`);
  }
  const integer = typeof value === "bigint" ? value : BigInt(Math.trunc(value));
  if (!twisted && (integer < min || integer > max))
    throw new InvalidArgumentError(`${name} must be within ${String(min)}..${String(max)}, got ${String(integer)}`);
  return integer.toString();
}

/** Checks a `stats` argument: no control characters (spaces allowed: `stats cachedump 1 0`). */
export function encodeStatsArg(arg: Uint8Array | string, twisted: boolean): Buffer {
  const bytes = typeof arg === "string" ? Buffer.from(arg, "utf8") : Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength);
  if (!twisted) {
    for (const byte of bytes) if (byte < 0x20 || byte === 0x7f) throw new InvalidArgumentError("stats argument holds a control character");
  }
  return bytes;
}

/** A reply field: plain digits on the fast path, otherwise Python's `int()` rules (as Twisted). */
export function parseDecimal(field: Buffer): bigint | number | null {
  if (field.length > 0 && field.length < 16) {
    let value = 0;
    for (const byte of field) {
      const digit = byte - 0x30;
      if (digit < 0 || digit > 9) return parsePythonInt(field);
      value = value * 10 + digit;
    }
    return value;
  }
  return parsePythonInt(field);
}
