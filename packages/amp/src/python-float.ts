import { defineArgument, type ArgumentOf, type ArgumentOptions } from "./argument.js";
import { BadLocalValueError, BadValueError } from "./errors.js";

/**
 * Python's `repr(float)`: the shortest digits that round-trip; the exponent form when the
 * decimal exponent is below −4 or at least 16 (`1e-05`, `1.5e+16`: a sign and at least two
 * exponent digits); integral values in plain form get `.0`; `inf`, `-inf`, `nan`, `-0.0`.
 * (JS `String(x)` differs: `1e-7`, `1e+21`, `100`, `Infinity`.)
 */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const sign = value < 0 ? "-" : "";
  const [mantissa, exponentText] = Math.abs(value).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const head = digits.length > 1 ? `${digits.charAt(0)}.${digits.slice(1)}` : digits;
    const magnitude = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${head}e${exponent < 0 ? "-" : "+"}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const intLength = exponent + 1;
  if (digits.length <= intLength) return `${sign}${digits}${"0".repeat(intLength - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLength)}.${digits.slice(intLength)}`;
}

const DIGITS = "[0-9](?:_?[0-9])*";
const PY_FLOAT = new RegExp(`^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`, "i");
const ASCII_SPACE = /^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g;

/**
 * Parses text as Python's `float()` does: surrounding whitespace, `_` between digits,
 * `inf`/`infinity`/`nan` in any case with a sign, overflow to infinity. Hex floats and
 * anything else give `null`.
 */
export function parsePythonFloat(text: string): number | null {
  const trimmed = text.replace(ASCII_SPACE, "");
  if (!PY_FLOAT.test(trimmed)) return null;
  const lower = trimmed.toLowerCase();
  const unsigned = lower.replace(/^[+-]/, "");
  const negative = lower.startsWith("-");
  if (unsigned === "nan") return NaN;
  if (unsigned === "inf" || unsigned === "infinity") return negative ? -Infinity : Infinity;
  return Number(lower.replace(/_/g, ""));
}

/**
 * Twisted's `Float`: a `number` in Python `repr` form. (Twisted refuses a Python `int`;
 * JS cannot tell `3` from `3.0`, so every number is encoded as a float: `3.0`.)
 */
export function Float<const O extends ArgumentOptions | undefined = undefined>(options?: O): ArgumentOf<number, number, O> {
  return defineArgument(
    "Float",
    options,
    (value: number) => {
      if (typeof value !== "number") throw new BadLocalValueError("Float", `expected a number, got ${typeof value}`);
      return Buffer.from(pyFloatRepr(value), "latin1");
    },
    (wire) => {
      const value = parsePythonFloat(wire.toString("latin1"));
      if (value === null) throw new BadValueError("Float", `invalid float ${JSON.stringify(wire.toString("latin1"))}`);
      return value;
    },
  );
}
