import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { AmpDateTime, BadLocalValueError, BadValueError, DateTime, parseAmpDateTime, type AmpDateTimeFields } from "@torsion/amp";

/** The fields of `at` as a plain object, named one by one (a spread of the instance would copy whatever own properties it has). */
function fieldsOf(at: AmpDateTime): AmpDateTimeFields {
  const { year, month, day, hour, minute, second, microsecond, offsetMinutes } = at;
  return { year, month, day, hour, minute, second, microsecond, offsetMinutes };
}

describe("AmpDateTime and DateTime", () => {
  it("DateTime writes UTC as -00:00 and converts to and from Date", () => {
    const date = new Date(Date.UTC(2024, 3, 1, 8, 42, 15, 123));
    const dateTime = AmpDateTime.fromDate(date);
    assert.equal(dateTime.toString(), "2024-04-01T08:42:15.123000-00:00");
    assert.equal(AmpDateTime.fromDate(date, 90).toString(), "2024-04-01T10:12:15.123000+01:30");
    assert.equal(AmpDateTime.fromDate(date, 90).toDate().getTime(), date.getTime());
    assert.equal(new AmpDateTime({ ...fieldsOf(dateTime), year: 5 }).toDate().getUTCFullYear(), 5);
  });

  it("floors sub-minute offsets as Twisted does and refuses invalid fields", () => {
    assert.equal(AmpDateTime.offsetFromSeconds(59), 0);
    assert.equal(AmpDateTime.offsetFromSeconds(-90), -2);
    assert.throws(
      () => new AmpDateTime({ year: 2023, month: 2, day: 29, hour: 0, minute: 0, second: 0, microsecond: 0, offsetMinutes: 0 }),
      BadLocalValueError,
    );
    assert.throws(() => parseAmpDateTime("2012-01-23T12:34:56.054321*01:00"), BadValueError);
    assert.equal(parseAmpDateTime("2012-01-23T12:34:56.054321+25:00").offsetUsable, false);
    assert.throws(() => DateTime().toWire(parseAmpDateTime("2012-01-23T12:34:56.054321+25:00")), BadLocalValueError);
  });
});
