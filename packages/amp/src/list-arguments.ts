import { AmpBox, MAX_VALUE_LENGTH, decodeRange } from "./amp-box.js";
import {
  WIRE_RANGE,
  defineArgument,
  fastPathsOf,
  type Argument,
  type ArgumentOf,
  type ArgumentOptions,
  type InOf,
  type InputOf,
  type OutOf,
  type OutputOf,
  type Schema,
} from "./argument.js";
import { BinaryBoxDecoder } from "./binary-box-decoder.js";
import { BadLocalValueError, BadValueError, MissingKeyError } from "./errors.js";

/**
 * Twisted's `ListOf(T)`: each element encoded by `T`, prefixed by its 2-byte big-endian
 * length, concatenated (the empty list is the empty value). On decode, a trailing partial
 * element is dropped silently, as Twisted does. `T` may itself be a `ListOf`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ListOf<E extends Argument<any, any>, const O extends ArgumentOptions | undefined = undefined>(
  element: E,
  options?: O,
): ArgumentOf<readonly InOf<E>[], OutOf<E>[], O> {
  return defineArgument(
    `ListOf(${element.typeName})`,
    options,
    (values: readonly InOf<E>[]) => {
      if (!Array.isArray(values)) throw new BadLocalValueError("ListOf", "expected an array");
      const parts: Buffer[] = [];
      for (const value of values) {
        const wire = element.toWire(value);
        if (wire.length > MAX_VALUE_LENGTH)
          throw new BadLocalValueError("ListOf", `an element of ${wire.length} bytes does not fit a 2-byte length`);
        const prefix = Buffer.allocUnsafe(2);
        prefix.writeUInt16BE(wire.length);
        parts.push(prefix, wire);
      }
      return Buffer.concat(parts);
    },
    (wire) => {
      const values: OutOf<E>[] = [];
      let pos = 0;
      while (pos + 2 <= wire.length) {
        const length = wire.readUInt16BE(pos);
        if (pos + 2 + length > wire.length) break;
        values.push(element.fromWire(wire.subarray(pos + 2, pos + 2 + length)) as OutOf<E>);
        pos += 2 + length;
      }
      return values;
    },
  );
}

/** Encodes `values` into `box` by `schema`: missing or `null` optional values are left out. */
export function encodeSchema(schema: Schema, values: Readonly<Record<string, unknown>>, box: AmpBox): AmpBox {
  for (const [name, argument] of Object.entries(schema)) {
    const value = values[name];
    if (value === undefined || value === null) {
      if (argument.optional) continue;
      throw new MissingKeyError(name);
    }
    box.set(name, argument.toWire(value));
  }
  return box;
}

/** Decodes the fields of `schema` from `box`; extra keys are ignored, missing optional ones are `null`. */
export function decodeSchema(schema: Schema, box: AmpBox): Record<string, unknown> {
  return decodeFields(Object.entries(schema), box);
}

/** {@link decodeSchema} with the schema's entries computed once (by `Command`). */
export function decodeFields(fields: readonly (readonly [string, Argument])[], box: AmpBox): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, argument] of fields) {
    const range = fastPathsOf(argument)[WIRE_RANGE];
    if (range !== undefined) {
      // Straight from the received bytes; `undefined` only for a missing key.
      const value = decodeRange(box, name, range);
      if (value !== undefined) {
        values[name] = value;
        continue;
      }
    }
    const wire = box.get(name);
    if (wire === undefined) {
      if (!argument.optional) throw new MissingKeyError(name);
      values[name] = null;
    } else {
      values[name] = argument.fromWire(wire);
    }
  }
  return values;
}

/**
 * Twisted's `AmpList([(name, T), ...])`: a list of objects, each encoded as a complete box
 * (sorted keys and the `00 00` end), concatenated. Fields can be any argument type,
 * `AmpList` included. On decode a trailing partial box is dropped, extra keys are ignored,
 * and a missing required field is a {@link MissingKeyError} (both directions).
 */
export function AmpList<S extends Schema, const O extends ArgumentOptions | undefined = undefined>(
  fields: S,
  options?: O,
): ArgumentOf<readonly InputOf<S>[], OutputOf<S>[], O> {
  return defineArgument(
    "AmpList",
    options,
    (values: readonly InputOf<S>[]) => {
      if (!Array.isArray(values)) throw new BadLocalValueError("AmpList", "expected an array");
      return Buffer.concat(values.map((value) => encodeSchema(fields, value as Record<string, unknown>, new AmpBox()).serialize()));
    },
    (wire) => {
      const decoder = new BinaryBoxDecoder({ maxBoxLength: Math.max(wire.length, 2) });
      decoder.feed(wire);
      decoder.finish();
      const values: OutputOf<S>[] = [];
      try {
        for (let box = decoder.next(); box !== undefined; box = decoder.next()) values.push(decodeSchema(fields, box) as OutputOf<S>);
      } catch (error) {
        if (error instanceof MissingKeyError || error instanceof BadValueError) throw error;
        throw new BadValueError("AmpList", (error as Error).message, { cause: error });
      }
      return values;
    },
  );
}
