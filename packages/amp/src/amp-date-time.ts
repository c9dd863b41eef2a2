import { defineArgument, parsePythonInt, type ArgumentOf, type ArgumentOptions } from "./argument.js";
import { BadLocalValueError, BadValueError } from "./errors.js";

/** The fields of an {@link AmpDateTime}. */
export interface AmpDateTimeFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  /** The UTC offset in whole minutes (0 for UTC). */
  readonly offsetMinutes: number;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS[month - 1] as number);
}

function checkRange(name: string, value: number, low: number, high: number): string | null {
  return Number.isInteger(value) && value >= low && value <= high ? null : `${name} must be an integer in ${low}..${high}, got ${value}`;
}

/** Why `fields` is not a valid Python `datetime` (ignoring the offset), or `null`. */
function invalidFields(fields: AmpDateTimeFields): string | null {
  return (
    checkRange("year", fields.year, 1, 9999) ??
    checkRange("month", fields.month, 1, 12) ??
    checkRange("day", fields.day, 1, daysIn(fields.year, fields.month)) ??
    checkRange("hour", fields.hour, 0, 23) ??
    checkRange("minute", fields.minute, 0, 59) ??
    checkRange("second", fields.second, 0, 59) ??
    checkRange("microsecond", fields.microsecond, 0, 999999) ??
    (Number.isInteger(fields.offsetMinutes) ? null : "offsetMinutes must be an integer")
  );
}

/**
 * A date and time with a fixed UTC offset and microseconds: what Twisted's `DateTime`
 * carries (a timezone-aware `datetime`). JS `Date` has neither an offset nor microseconds,
 * hence this type; {@link fromDate} and {@link toDate} convert.
 *
 * Decoding accepts what Twisted accepts, including offsets of 24 hours or more, which
 * Python cannot use afterwards ({@link offsetUsable} is then false).
 */
export class AmpDateTime implements AmpDateTimeFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly offsetMinutes: number;

  /** @throws BadLocalValueError when a field is out of range */
  constructor(fields: AmpDateTimeFields) {
    const problem = invalidFields(fields);
    if (problem !== null) throw new BadLocalValueError("DateTime", problem);
    this.year = fields.year;
    this.month = fields.month;
    this.day = fields.day;
    this.hour = fields.hour;
    this.minute = fields.minute;
    this.second = fields.second;
    this.microsecond = fields.microsecond;
    this.offsetMinutes = fields.offsetMinutes;
  }

  /** The same instant as `date` (milliseconds, so microseconds are a multiple of 1000) shown at `offsetMinutes`. */
  static fromDate(date: Date, offsetMinutes = 0): AmpDateTime {
    const local = new Date(date.getTime() + offsetMinutes * 60_000);
    return new AmpDateTime({
      year: local.getUTCFullYear(),
      month: local.getUTCMonth() + 1,
      day: local.getUTCDate(),
      hour: local.getUTCHours(),
      minute: local.getUTCMinutes(),
      second: local.getUTCSeconds(),
      microsecond: local.getUTCMilliseconds() * 1000,
      offsetMinutes,
    });
  }

  /**
   * A UTC offset given in seconds, floored to whole minutes as Twisted does when it
   * encodes (+59 s is UTC, −90 s is −2 minutes).
   */
  static offsetFromSeconds(offsetSeconds: number): number {
    return Math.floor(offsetSeconds / 60);
  }

  /** False when the offset is 24 hours or more either way (Python's `utcoffset()` would raise). */
  get offsetUsable(): boolean {
    return Math.abs(this.offsetMinutes) < 1440;
  }

  /** The instant as a `Date` (microseconds truncated to milliseconds). */
  toDate(): Date {
    const date = new Date(0);
    date.setUTCFullYear(this.year, this.month - 1, this.day);
    date.setUTCHours(this.hour, this.minute, this.second, Math.floor(this.microsecond / 1000));
    return new Date(date.getTime() - this.offsetMinutes * 60_000);
  }

  /** The 32-character wire form `YYYY-MM-DDTHH:MM:SS.ffffff±HH:MM` (UTC as `-00:00`, as Twisted writes it). */
  toString(): string {
    const pad = (value: number, width: number): string => String(value).padStart(width, "0");
    const sign = this.offsetMinutes > 0 ? "+" : "-";
    const offset = Math.abs(this.offsetMinutes);
    return (
      `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}T${pad(this.hour, 2)}:${pad(this.minute, 2)}:` +
      `${pad(this.second, 2)}.${pad(this.microsecond, 6)}${sign}${pad(Math.floor(offset / 60), 2)}:${pad(offset % 60, 2)}`
    );
  }
}

const FIELDS: readonly [keyof AmpDateTimeFields, number, number][] = [
  ["year", 0, 4],
  ["month", 5, 7],
  ["day", 8, 10],
  ["hour", 11, 13],
  ["minute", 14, 16],
  ["second", 17, 19],
  ["microsecond", 20, 26],
];

/** Parses the 32-character wire form as Twisted does (fixed positions, separators not checked). */
export function parseAmpDateTime(text: string): AmpDateTime {
  if (text.length !== 32 || /[\x80-\uffff]/.test(text)) throw new BadValueError("DateTime", `invalid date format ${JSON.stringify(text)}`);
  const field = (start: number, end: number): number => {
    const value = parsePythonInt(text.slice(start, end));
    if (value === null)
      throw new BadValueError("DateTime", `invalid field ${JSON.stringify(text.slice(start, end))} in ${JSON.stringify(text)}`);
    return Number(value);
  };
  const values: Record<string, number> = {};
  for (const [name, start, end] of FIELDS) values[name] = field(start, end);
  const sign = text[26];
  if (sign !== "+" && sign !== "-") throw new BadValueError("DateTime", `invalid timezone sign ${JSON.stringify(sign)}`);
  const offset = field(27, 29) * 60 + field(30, 32);
  const fields = { ...values, offsetMinutes: sign === "-" && offset !== 0 ? -offset : offset } as unknown as AmpDateTimeFields;
  const problem = invalidFields(fields);
  if (problem !== null) throw new BadValueError("DateTime", problem);
  return new AmpDateTime(fields);
}

/** Twisted's `DateTime`: an {@link AmpDateTime} (a `Date` is taken as UTC). */
export function DateTime<const O extends ArgumentOptions | undefined = undefined>(
  options?: O,
): ArgumentOf<AmpDateTime | Date, AmpDateTime, O> {
  return defineArgument(
    "DateTime",
    options,
    (value: AmpDateTime | Date) => {
      const dateTime = value instanceof Date ? AmpDateTime.fromDate(value) : value;
      if (!(dateTime instanceof AmpDateTime)) throw new BadLocalValueError("DateTime", "expected an AmpDateTime or a Date");
      if (!dateTime.offsetUsable) throw new BadLocalValueError("DateTime", "the UTC offset must be under 24 hours");
      return Buffer.from(dateTime.toString(), "latin1");
    },
    (wire) => parseAmpDateTime(wire.toString("latin1")),
  );
}
