import { defineArgument, type ArgumentOf, type ArgumentOptions } from "./argument.js";
import { BadLocalValueError, BadValueError } from "./errors.js";

/** A finite exponent, or one of the specials: `F` infinity, `n` quiet NaN, `N` signalling NaN (Python's `as_tuple()`). */
export type DecimalExponent = number | "F" | "n" | "N";

const NUMBER = /^([+-]?)(?:([0-9]*)(?:\.([0-9]*))?(?:e([+-]?[0-9]+))?)$/i;
const SPECIAL = /^([+-]?)(?:(inf|infinity)|(s?nan)([0-9]*))$/i;

/**
 * An exact decimal number as Python's `decimal.Decimal` keeps it: a sign, the coefficient
 * digits and an exponent, so `1.0`, `1.00` and `1E+2` stay distinct (no float round trip).
 * The fields are those of Python's `Decimal.as_tuple()`; for NaNs `digits` is the payload
 * (`""` when none) and for infinity it is `"0"`.
 */
export class AmpDecimal {
  readonly sign: 0 | 1;
  readonly digits: string;
  readonly exponent: DecimalExponent;

  constructor(sign: 0 | 1, digits: string, exponent: DecimalExponent) {
    // `as unknown`: callers in plain JavaScript may pass anything.
    if ((sign as unknown) !== 0 && (sign as unknown) !== 1) throw new BadLocalValueError("Decimal", "sign must be 0 or 1");
    if (!/^[0-9]*$/.test(digits)) throw new BadLocalValueError("Decimal", `digits must be decimal digits, got ${JSON.stringify(digits)}`);
    const special = exponent === "F" || exponent === "n" || exponent === "N";
    if (!special && (!Number.isSafeInteger(exponent) || digits.length === 0)) {
      throw new BadLocalValueError("Decimal", "a finite decimal needs digits and a safe integer exponent");
    }
    this.sign = sign;
    this.digits = exponent === "F" ? "0" : special ? digits.replace(/^0+/, "") : digits.replace(/^0+(?=.)/, "");
    this.exponent = exponent;
  }

  /**
   * Parses text as Python's `Decimal(str)` does: surrounding whitespace, `_` anywhere
   * (Python removes them all), `inf`/`infinity`/`nan`/`snan` in any case, NaN payloads.
   * @throws BadValueError (Python's `InvalidOperation`) when invalid
   */
  static parse(text: string): AmpDecimal {
    const cleaned = text.replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, "").replace(/_/g, "");
    const special = SPECIAL.exec(cleaned);
    if (special !== null) {
      const sign = special[1] === "-" ? 1 : 0;
      if (special[2] !== undefined) return new AmpDecimal(sign, "0", "F");
      const kind = (special[3] as string).toLowerCase() === "snan" ? "N" : "n";
      return new AmpDecimal(sign, special[4] ?? "", kind);
    }
    const match = NUMBER.exec(cleaned);
    const intPart = match?.[2] ?? "";
    const fracPart = match?.[3] ?? "";
    if (match === null || intPart.length + fracPart.length === 0) {
      throw new BadValueError("Decimal", `invalid decimal ${JSON.stringify(text)}`);
    }
    const exponent = Number(match[4] ?? "0") - fracPart.length;
    if (!Number.isSafeInteger(exponent)) throw new BadValueError("Decimal", `exponent out of range in ${JSON.stringify(text)}`);
    return new AmpDecimal(match[1] === "-" ? 1 : 0, intPart + fracPart, exponent);
  }

  /** True for a finite value (not infinity or NaN). */
  get isFinite(): boolean {
    return typeof this.exponent === "number";
  }

  /** Python's `str(Decimal)`: the General Decimal Arithmetic to-scientific-string. */
  toString(): string {
    const sign = this.sign === 1 ? "-" : "";
    if (this.exponent === "F") return `${sign}Infinity`;
    if (this.exponent === "n") return `${sign}NaN${this.digits}`;
    if (this.exponent === "N") return `${sign}sNaN${this.digits}`;
    const digits = this.digits;
    const leftDigits = this.exponent + digits.length;
    const dotPlace = this.exponent <= 0 && leftDigits > -6 ? leftDigits : 1;
    let intPart: string;
    let fracPart: string;
    if (dotPlace <= 0) {
      intPart = "0";
      fracPart = `.${"0".repeat(-dotPlace)}${digits}`;
    } else if (dotPlace >= digits.length) {
      intPart = digits + "0".repeat(dotPlace - digits.length);
      fracPart = "";
    } else {
      intPart = digits.slice(0, dotPlace);
      fracPart = `.${digits.slice(dotPlace)}`;
    }
    const shown = leftDigits - dotPlace;
    const exp = shown === 0 ? "" : `E${shown > 0 ? "+" : "-"}${Math.abs(shown)}`;
    return `${sign}${intPart}${fracPart}${exp}`;
  }

  /** The nearest `number` (lossy; for display and arithmetic you accept as approximate). */
  toNumber(): number {
    if (this.exponent === "F") return this.sign === 1 ? -Infinity : Infinity;
    if (typeof this.exponent !== "number") return NaN;
    return Number(`${this.sign === 1 ? "-" : ""}${this.digits}e${this.exponent}`);
  }

  /** True when both have the same sign, digits and exponent (so `1.0` is not `1.00`). */
  equals(other: AmpDecimal): boolean {
    return this.sign === other.sign && this.digits === other.digits && this.exponent === other.exponent;
  }
}

/**
 * Twisted's `Decimal`: an {@link AmpDecimal} (or decimal text, parsed first) in Python's
 * `str(Decimal)` form, exponent and trailing zeros kept.
 */
export function Decimal<const O extends ArgumentOptions | undefined = undefined>(
  options?: O,
): ArgumentOf<AmpDecimal | string, AmpDecimal, O> {
  return defineArgument(
    "Decimal",
    options,
    (value: AmpDecimal | string) => {
      let decimal: AmpDecimal;
      if (value instanceof AmpDecimal) decimal = value;
      else if (typeof value === "string") {
        try {
          decimal = AmpDecimal.parse(value);
        } catch (error) {
          throw new BadLocalValueError("Decimal", `invalid decimal text ${JSON.stringify(value)}`, { cause: error });
        }
      } else throw new BadLocalValueError("Decimal", "expected an AmpDecimal or decimal text");
      return Buffer.from(decimal.toString(), "latin1");
    },
    (wire) => {
      const text = wire.toString("latin1");
      if (/[\x80-\uffff]/.test(text)) throw new BadValueError("Decimal", "non-ASCII decimal");
      return AmpDecimal.parse(text);
    },
  );
}
