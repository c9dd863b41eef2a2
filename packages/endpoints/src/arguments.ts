import type { EndpointArguments } from "@torsion/core";
import { EndpointArgumentError, EndpointValueError } from "./errors.js";

/**
 * Binds a description's arguments to named parameters the way Twisted's parsers get them
 * (Python call semantics): positionals fill `positional` in order, keywords fill any name
 * in `positional` or `keywordOnly`.
 *
 * @throws EndpointArgumentError for too many positionals, a parameter given twice, or an
 *   unknown keyword (Python's `TypeError`)
 */
export function bindArguments(
  type: string,
  parameters: EndpointArguments,
  positional: readonly string[],
  keywordOnly: readonly string[] = [],
): Map<string, string> {
  const { args, kwargs } = parameters;
  if (args.length > positional.length) {
    throw new EndpointArgumentError(
      `${type}: takes at most ${positional.length} positional argument(s) (${positional.join(", ")}), ${args.length} given`,
    );
  }
  const bound = new Map<string, string>();
  args.forEach((value, index) => bound.set(positional[index] as string, value));
  for (const key of Object.keys(kwargs)) {
    if (!positional.includes(key) && !keywordOnly.includes(key)) {
      throw new EndpointArgumentError(`${type}: unknown keyword argument ${JSON.stringify(key)}`);
    }
    if (bound.has(key)) throw new EndpointArgumentError(`${type}: got multiple values for argument ${JSON.stringify(key)}`);
    bound.set(key, kwargs[key] as string);
  }
  return bound;
}

/** The bound value of `name`, or an {@link EndpointArgumentError} naming it. */
export function required(type: string, bound: ReadonlyMap<string, string>, name: string): string {
  const value = bound.get(name);
  if (value === undefined) throw new EndpointArgumentError(`${type}: missing required argument ${JSON.stringify(name)}`);
  return value;
}

/** Rejects keywords outside `known` (Python's `TypeError` for an unexpected keyword). */
export function rejectUnknownKeywords(type: string, kwargs: Readonly<Record<string, string>>, known: readonly string[]): void {
  for (const key of Object.keys(kwargs)) {
    if (!known.includes(key)) throw new EndpointArgumentError(`${type}: unknown keyword argument ${JSON.stringify(key)}`);
  }
}

const DECIMAL = /^[+-]?[0-9]+$/;
const OCTAL = /^(?:0[oO])?[0-7]+$/;

/**
 * A decimal integer: an optional sign and digits, nothing else. Stricter than Python's
 * `int()`, which also takes surrounding blanks and `_` between digits.
 */
export function parseInteger(parameter: string, value: string): number {
  if (!DECIMAL.test(value)) throw new EndpointValueError(parameter, value, "a decimal integer");
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new EndpointValueError(parameter, value, "an integer of safe size");
  return n;
}

/** A TCP port: a decimal integer from 0 to 65535 (Twisted does not check the range). */
export function parsePort(parameter: string, value: string): number {
  const port = parseInteger(parameter, value);
  if (port < 0 || port > 65535) throw new EndpointValueError(parameter, value, "a port number from 0 to 65535");
  return port;
}

/** A connect timeout in whole seconds, 0 or more (Twisted: `int()`, so `1.5` is an error). */
export function parseTimeout(parameter: string, value: string): number {
  const timeout = parseInteger(parameter, value);
  if (timeout < 0) throw new EndpointValueError(parameter, value, "a timeout of 0 seconds or more");
  return timeout;
}

/** A file mode in octal, with or without `0o` (`600` is 0o600). */
export function parseOctalMode(parameter: string, value: string): number {
  if (!OCTAL.test(value)) throw new EndpointValueError(parameter, value, "an octal file mode");
  const mode = parseInt(value.replace(/^0[oO]/, ""), 8);
  if (mode > 0o7777) throw new EndpointValueError(parameter, value, "a file mode of at most 7777");
  return mode;
}

/** A flag written as an integer: 0 is false, any other integer true (Twisted's `bool(int(x))`). */
export function parseIntegerFlag(parameter: string, value: string): boolean {
  return parseInteger(parameter, value) !== 0;
}
