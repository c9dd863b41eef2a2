import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import {
  AmpDateTime, AmpDecimal, BadLocalValueError, BadValueError, BigInteger, Descriptor, ArgumentUnsupportedError,
  Float, Integer, ListOf, Unicode, pyFloatRepr,
} from "@torsion/amp";

describe("argument types", () => {
  it("Integer decodes to a number and refuses values beyond 2^53 instead of rounding them", () => {
    assert.equal(Integer().fromWire(Buffer.from("9007199254740991")), 9007199254740991);
    assert.throws(() => Integer().fromWire(Buffer.from("9007199254740993")), BadValueError);
    assert.equal(BigInteger().fromWire(Buffer.from("9007199254740993")), 9007199254740993n);
    assert.equal(Integer().toWire(2n ** 70n).toString(), "1180591620717411303424");
    assert.throws(() => Integer().toWire(1.5), BadLocalValueError);
  });

  it("Float writes Python's repr, not JavaScript's", () => {
    const cases: [number, string][] = [
      [1e-7, "1e-07"], [1e21, "1e+21"], [100, "100.0"], [0.1, "0.1"], [1e16, "1e+16"], [1.5e16, "1.5e+16"],
      [123456789012345.6, "123456789012345.6"], [0.0001, "0.0001"], [0.00001, "1e-05"], [-0, "-0.0"], [Infinity, "inf"],
      [5e-324, "5e-324"], [1.7976931348623157e308, "1.7976931348623157e+308"],
    ];
    for (const [value, text] of cases) assert.equal(pyFloatRepr(value), text, String(value));
    assert.equal(Float().toWire(3).toString(), "3.0");
    assert.ok(Number.isNaN(Float().fromWire(Buffer.from("-NaN"))));
  });

  it("Decimal keeps its exponent and trailing zeros", () => {
    for (const text of ["1.0", "1E+2", "1E-7", "-0", "0E-7", "NaN", "-sNaN", "Infinity", "NaN123", "123.4500", "0.000001"]) {
      assert.equal(AmpDecimal.parse(text).toString(), text);
    }
    assert.equal(AmpDecimal.parse("0.0000001").toString(), "1E-7");
    assert.ok(!AmpDecimal.parse("1.0").equals(AmpDecimal.parse("1.00")));
    assert.throws(() => AmpDecimal.parse("0x1"), BadValueError);
  });

  it("DateTime writes UTC as -00:00 and converts to and from Date", () => {
    const date = new Date(Date.UTC(2024, 3, 1, 8, 42, 15, 123));
    const dateTime = AmpDateTime.fromDate(date);
    assert.equal(dateTime.toString(), "2024-04-01T08:42:15.123000-00:00");
    assert.equal(AmpDateTime.fromDate(date, 90).toString(), "2024-04-01T10:12:15.123000+01:30");
    assert.equal(AmpDateTime.fromDate(date, 90).toDate().getTime(), date.getTime());
    assert.equal(new AmpDateTime({ ...dateTime, year: 5 }).toDate().getUTCFullYear(), 5);
  });

  it("Unicode refuses lone surrogates and invalid UTF-8", () => {
    assert.throws(() => Unicode().toWire("a\ud800"), BadLocalValueError);
    assert.throws(() => Unicode().fromWire(Buffer.from([0xc3])), BadValueError);
    assert.equal(Unicode().fromWire(Buffer.from("\ufeffx")), "\ufeffx");
  });

  it("ListOf nests and drops a trailing partial element", () => {
    const type = ListOf(ListOf(Integer()));
    const wire = type.toWire([[1, 2], [], [3]]);
    assert.deepEqual(type.fromWire(wire), [[1, 2], [], [3]]);
    assert.deepEqual(type.fromWire(Buffer.concat([wire, Buffer.from([0, 9, 1])])), [[1, 2], [], [3]]);
  });

  it("Descriptor is a typed unsupported error both ways", () => {
    assert.throws(() => Descriptor().toWire(3), ArgumentUnsupportedError);
    assert.throws(() => Descriptor().fromWire(Buffer.from("0")), ArgumentUnsupportedError);
  });
});
