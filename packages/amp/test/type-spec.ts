/**
 * Converting the oracle's type specs and JSON values (FORMAT-wave2.md §3) to Torsion
 * argument types and values, and back. Integers use BigInteger (the vectors hold big ones).
 */
import {
  AmpDateTime,
  AmpDecimal,
  AmpList,
  BigInteger,
  Boolean,
  Bytes,
  DateTime,
  Decimal,
  Float,
  ListOf,
  Path,
  Unicode,
  type Argument,
  type DecimalExponent,
  type Schema,
} from "@torsion/amp";
import { pyFloatRepr } from "@torsion/amp/internal";

export interface TypeSpec {
  readonly type: string;
  readonly optional?: boolean;
  readonly of?: TypeSpec;
  readonly fields?: [string, TypeSpec][];
}

type AnyArgument = Argument<unknown, unknown>;

export function schemaOf(fields: readonly (readonly [string, TypeSpec])[]): Schema {
  return Object.fromEntries(fields.map(([name, spec]) => [name, argumentOf(spec)]));
}

export function argumentOf(spec: TypeSpec): AnyArgument {
  const options = { optional: spec.optional === true };
  switch (spec.type) {
    case "Integer":
      return BigInteger(options);
    case "String":
      return Bytes(options);
    case "Unicode":
      return Unicode(options);
    case "Boolean":
      return Boolean(options);
    case "Float":
      return Float(options);
    case "Decimal":
      return Decimal(options);
    case "DateTime":
      return DateTime(options);
    case "Path":
      return Path(options);
    case "ListOf":
      return ListOf(argumentOf(spec.of as TypeSpec), options);
    case "AmpList":
      return AmpList(schemaOf(spec.fields ?? []), options);
    default:
      throw new Error(`unknown type ${spec.type}`);
  }
}

interface DateJson {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  offsetSeconds: number | null;
}

/** JSON value → the value Torsion's encoder takes. */
export function fromJson(spec: TypeSpec, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (spec.type) {
    case "Integer":
      return BigInt(value as string);
    case "String":
      return Buffer.from(value as string, "base64");
    case "Float":
      return value === "inf" ? Infinity : value === "-inf" ? -Infinity : value === "nan" ? NaN : Number(value);
    case "Decimal": {
      const d = value as { sign: 0 | 1; digits: string; exponent: DecimalExponent };
      return new AmpDecimal(d.sign, d.digits, d.exponent);
    }
    case "DateTime": {
      const d = value as DateJson;
      const offsetMinutes = d.offsetSeconds === null ? (null as unknown as number) : AmpDateTime.offsetFromSeconds(d.offsetSeconds);
      return new AmpDateTime({ ...d, offsetMinutes });
    }
    case "ListOf":
      return (value as unknown[]).map((item) => fromJson(spec.of as TypeSpec, item));
    case "AmpList":
      return (value as Record<string, unknown>[]).map((item) => objectFromJson(spec.fields ?? [], item));
    default:
      return value;
  }
}

export function objectFromJson(fields: readonly (readonly [string, TypeSpec])[], value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const specs = new Map(fields);
  for (const [name, item] of Object.entries(value)) {
    const spec = specs.get(name);
    out[name] = spec === undefined ? item : fromJson(spec, item);
  }
  return out;
}

/** A decoded Torsion value → the oracle's JSON form. */
export function toJson(spec: TypeSpec, value: unknown): unknown {
  if (value === null) return null;
  switch (spec.type) {
    case "Integer":
      return (value as bigint).toString();
    case "String":
      return (value as Buffer).toString("base64");
    case "Float":
      return pyFloatRepr(value as number);
    case "Decimal": {
      const d = value as AmpDecimal;
      return { sign: d.sign, digits: d.digits, exponent: d.exponent };
    }
    case "DateTime": {
      const d = value as AmpDateTime;
      return {
        year: d.year,
        month: d.month,
        day: d.day,
        hour: d.hour,
        minute: d.minute,
        second: d.second,
        microsecond: d.microsecond,
        offsetSeconds: d.offsetMinutes * 60,
        utcoffsetRaises: !d.offsetUsable,
      };
    }
    case "ListOf":
      return (value as unknown[]).map((item) => toJson(spec.of as TypeSpec, item));
    case "AmpList":
      return (value as Record<string, unknown>[]).map((item) => objectToJson(spec.fields ?? [], item));
    default:
      return value;
  }
}

export function objectToJson(fields: readonly (readonly [string, TypeSpec])[], value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(fields.map(([name, spec]) => [name, toJson(spec, value[name])]));
}
