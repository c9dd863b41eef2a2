import { BadLocalValueError, BadValueError } from "./errors.js";

/**
 * One AMP argument type: how a value is written into a box value and read back
 * (Twisted's `amp.Argument` with its `toString`/`fromString`).
 *
 * @typeParam In - what encoding accepts (what callers pass, what responders return).
 * @typeParam Out - what decoding gives (what responders receive, what callers get).
 */
export interface Argument<In = unknown, Out = In> {
  /** Twisted's class name: `Integer`, `Unicode`, `ListOf`, ... */
  readonly typeName: string;
  /** True when the key may be absent (`null`/`undefined` is then not sent, and decodes as `null`). */
  readonly optional: boolean;
  /**
   * The wire bytes of `value`.
   * @throws BadLocalValueError when `value` cannot be encoded by this type
   */
  toWire(value: In): Buffer;
  /**
   * The value of `wire`.
   * @throws BadValueError (or MissingKeyError for an `AmpList`) when `wire` is not valid
   */
  fromWire(wire: Buffer): Out;
}

/** Options every argument factory takes. */
export interface ArgumentOptions {
  /** The key may be absent. @default false */
  readonly optional?: boolean;
}

/** The `optional` flag as a type, so schemas can tell required from optional keys. */
export type OptionalFlag<O> = O extends { readonly optional: true } ? { readonly optional: true } : { readonly optional: false };

/** An argument type with its `optional` flag known to the compiler. */
export type ArgumentOf<In, Out, O> = Argument<In, Out> & OptionalFlag<O>;

/** What an argument accepts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type InOf<A> = A extends Argument<infer In, any> ? In : never;
/** What an argument decodes to. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OutOf<A> = A extends Argument<any, infer Out> ? Out : never;

/** A set of named arguments (a command's arguments or response, an `AmpList` element). Keys are wire names. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Schema = Readonly<Record<string, Argument<any, any>>>;
/** The schema with no fields: a command without arguments or without response values. */
// eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- a schema with no fields is the empty object type, deliberately
export type EmptySchema = Readonly<Record<never, never>>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<S> = { [K in keyof S]: S[K] extends { readonly optional: true } ? never : K }[keyof S];
type OptionalKeys<S> = Exclude<keyof S, RequiredKeys<S>>;

/** The object a schema encodes: required keys, plus optional ones that may be missing or `null`. */
export type InputOf<S extends Schema> = Simplify<
  { readonly [K in RequiredKeys<S>]: InOf<S[K]> } & { readonly [K in OptionalKeys<S>]?: InOf<S[K]> | null | undefined }
>;
/** The object a schema decodes to: every key present, missing optional ones as `null`. */
export type OutputOf<S extends Schema> = Simplify<{ [K in RequiredKeys<S>]: OutOf<S[K]> } & { [K in OptionalKeys<S>]: OutOf<S[K]> | null }>;

/** Builds an argument type from its two functions. */
export function defineArgument<In, Out, O extends ArgumentOptions | undefined>(
  typeName: string,
  options: O | undefined,
  toWire: (value: In) => Buffer,
  fromWire: (wire: Buffer) => Out,
): ArgumentOf<In, Out, O> {
  const optional = options?.optional === true;
  return { typeName, optional, toWire, fromWire } as unknown as ArgumentOf<In, Out, O>;
}

const ASCII_SPACE = /^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g;
const PY_INT = /^[+-]?[0-9](?:_?[0-9])*$/;

/**
 * Parses ASCII text as Python's `int()` does for bytes: surrounding ASCII whitespace, a
 * sign, leading zeros and single `_` between digits are accepted; `0x10`, `1e3`, `1.0`
 * and the empty string are not. Returns the exact value, or `null` when invalid.
 */
export function parsePythonInt(text: string): bigint | null {
  const trimmed = text.replace(ASCII_SPACE, "");
  if (!PY_INT.test(trimmed)) return null;
  return BigInt(trimmed.replace(/_/g, ""));
}

function integerText(value: number | bigint, typeName: string): string {
  // A safe integer prints the same digits as its bigint (no exponent below 2^53; -0 is "0").
  if (Number.isSafeInteger(value)) return (value as number) === 0 ? "0" : String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value).toString();
  throw new BadLocalValueError(typeName, `expected an integer (number or bigint), got ${String(value)}`);
}

/**
 * The value of `wire[start, end)` when it is an optional sign and 1 to 15 ASCII digits (so
 * below 2^53), read from the bytes; `undefined` for anything else (whitespace, `_`, longer
 * numbers), which then takes the {@link parsePythonInt} path.
 */
function smallInteger(wire: Buffer, start: number, end: number): number | undefined {
  let pos = start;
  let negative = false;
  const first = wire[pos];
  if (first === 0x2d || first === 0x2b) {
    negative = first === 0x2d;
    pos += 1;
  }
  if (end === pos || end - pos > 15) return undefined;
  let value = 0;
  for (; pos < end; pos += 1) {
    const digit = (wire[pos] as number) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return negative ? 0 - value : value;
}

/**
 * Internal: the wire text of a value for argument types whose wire form is ASCII text, so a
 * box can be written without a `Buffer` per value. Must equal `toWire(value)` as latin1.
 */
export const WIRE_TEXT: unique symbol = Symbol("torsion.amp.wireText");

/**
 * Internal: decodes a value straight from the received bytes `source[start, end)` (no
 * `Buffer` view made), for argument types where that is cheaper. Must equal
 * `fromWire(source.subarray(start, end))`, errors included.
 */
export const WIRE_RANGE: unique symbol = Symbol("torsion.amp.wireRange");

/**
 * Internal: `true` on argument types whose wire form of a safe integer `number` is its
 * ASCII decimal digits (`Integer`, `BigInteger`), so a box can be written without a string
 * per value.
 */
export const WIRE_INTEGER: unique symbol = Symbol("torsion.amp.wireInteger");

/** The internal fast paths an argument may carry: {@link WIRE_TEXT}, {@link WIRE_INTEGER} and {@link WIRE_RANGE}. */
export interface ArgumentFastPaths {
  readonly [WIRE_TEXT]?: (value: unknown) => string;
  readonly [WIRE_INTEGER]?: boolean;
  readonly [WIRE_RANGE]?: (source: Buffer, start: number, end: number) => unknown;
}

/** The fast paths of `argument` (each absent unless the argument type defines it). */
export function fastPathsOf(argument: Argument): ArgumentFastPaths {
  return argument as ArgumentFastPaths;
}

function decodeBigInt(wire: Buffer, typeName: string): bigint {
  const value = parsePythonInt(wire.toString("latin1"));
  if (value === null) throw new BadValueError(typeName, `invalid integer ${JSON.stringify(wire.toString("latin1"))}`);
  return value;
}

/**
 * Twisted's `Integer` for values that fit a JS `number` exactly: encodes any integral
 * `number` or a `bigint` as ASCII decimal; decodes to a `number`. A received value beyond
 * ±(2^53 − 1) is refused with {@link BadValueError} rather than rounded: use
 * {@link BigInteger} for fields that may exceed it (the wire type is the same).
 */
export function Integer<const O extends ArgumentOptions | undefined = undefined>(options?: O): ArgumentOf<number | bigint, number, O> {
  const argument = defineArgument(
    "Integer",
    options,
    (value: number | bigint) => Buffer.from(integerText(value, "Integer"), "latin1"),
    (wire) => decodeInteger(wire, 0, wire.length),
  );
  Object.defineProperty(argument, WIRE_RANGE, { value: decodeInteger });
  return withIntegerText(argument);
}

function decodeInteger(source: Buffer, start: number, end: number): number {
  const small = smallInteger(source, start, end);
  if (small !== undefined) return small;
  const value = decodeBigInt(source.subarray(start, end), "Integer");
  const number = Number(value);
  if (!Number.isSafeInteger(number)) {
    throw new BadValueError("Integer", `${value} is beyond 2^53; declare the field as BigInteger()`);
  }
  return number;
}

function withIntegerText<T extends object>(argument: T): T {
  Object.defineProperty(argument, WIRE_TEXT, { value: (value: number | bigint) => integerText(value, "Integer") });
  Object.defineProperty(argument, WIRE_INTEGER, { value: true });
  return argument;
}

/** Twisted's `Integer` with arbitrary precision: decodes to a `bigint`, encodes a `bigint` or an integral `number`. */
export function BigInteger<const O extends ArgumentOptions | undefined = undefined>(options?: O): ArgumentOf<number | bigint, bigint, O> {
  return withIntegerText(
    defineArgument(
      "Integer",
      options,
      (value: number | bigint) => Buffer.from(integerText(value, "Integer"), "latin1"),
      (wire) => {
        const small = smallInteger(wire, 0, wire.length);
        return small !== undefined ? BigInt(small) : decodeBigInt(wire, "Integer");
      },
    ),
  );
}

/**
 * Twisted's `String` (bytes as they are; also exported as `String`). Decoded values are
 * `Buffer`s of their own (copies, so keeping one never keeps a whole read buffer alive).
 */
export function Bytes<const O extends ArgumentOptions | undefined = undefined>(options?: O): ArgumentOf<Uint8Array, Buffer, O> {
  return defineArgument(
    "String",
    options,
    (value: Uint8Array) => {
      if (!(value instanceof Uint8Array)) throw new BadLocalValueError("String", `expected bytes (Uint8Array), got ${typeof value}`);
      return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    },
    (wire) => Buffer.from(wire),
  );
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Encodes text as strict UTF-8: a lone surrogate is an error (it is never replaced by U+FFFD). */
export function encodeUtf8(value: string, typeName: string): Buffer {
  if (typeof value !== "string") throw new BadLocalValueError(typeName, `expected a string, got ${typeof value}`);
  if (LONE_SURROGATE.test(value)) throw new BadLocalValueError(typeName, "text holds a lone surrogate, which UTF-8 cannot encode");
  return Buffer.from(value, "utf8");
}

/** Decodes strict UTF-8 (an invalid sequence is an error; a BOM is kept). */
export function decodeUtf8(wire: Buffer, typeName: string): string {
  try {
    return UTF8.decode(wire);
  } catch (error) {
    throw new BadValueError(typeName, "invalid UTF-8", { cause: error });
  }
}

/** Twisted's `Unicode`: text as strict UTF-8. */
export function Unicode<const O extends ArgumentOptions | undefined = undefined>(options?: O): ArgumentOf<string, string, O> {
  return defineArgument(
    "Unicode",
    options,
    (value: string) => encodeUtf8(value, "Unicode"),
    (wire) => decodeUtf8(wire, "Unicode"),
  );
}

const TRUE = Buffer.from("True");
const FALSE = Buffer.from("False");

/**
 * Twisted's `Boolean`: exactly `True` or `False` on the wire (nothing else is accepted).
 * Exported as `Boolean` from the package index.
 */
export function BooleanArgument<const O extends ArgumentOptions | undefined = undefined>(options?: O): ArgumentOf<boolean, boolean, O> {
  // `unknown`: callers in plain JavaScript may pass anything, and get a typed error.
  return defineArgument(
    "Boolean",
    options,
    (value: unknown) => {
      if (value === true) return TRUE;
      if (value === false) return FALSE;
      throw new BadLocalValueError("Boolean", `expected a boolean, got ${typeof value}`);
    },
    (wire) => {
      if (wire.equals(TRUE)) return true;
      if (wire.equals(FALSE)) return false;
      throw new BadValueError("Boolean", `expected True or False, got ${JSON.stringify(wire.toString("latin1"))}`);
    },
  );
}
