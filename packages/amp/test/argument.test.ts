import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { BadLocalValueError, BadValueError, BigInteger, Boolean, Integer, Unicode } from "@torsion/amp";
import { parsePythonInt } from "@torsion/amp/internal";

describe("argument types", () => {
  it("Integer decodes to a number and refuses values beyond 2^53 instead of rounding them", () => {
    assert.equal(Integer().fromWire(Buffer.from("9007199254740991")), 9007199254740991);
    assert.throws(() => Integer().fromWire(Buffer.from("9007199254740993")), BadValueError);
    assert.equal(BigInteger().fromWire(Buffer.from("9007199254740993")), 9007199254740993n);
    assert.equal(
      Integer()
        .toWire(2n ** 70n)
        .toString(),
      "1180591620717411303424",
    );
    assert.throws(() => Integer().toWire(1.5), BadLocalValueError);
  });

  it("parsePythonInt accepts what Python's int() accepts and nothing else", () => {
    assert.equal(parsePythonInt(" +0_1 "), 1n);
    for (const bad of ["", "0x10", "1e3", "1.0", "1__0", "_1"]) assert.equal(parsePythonInt(bad), null, bad);
  });

  it("Boolean takes exactly True and False", () => {
    assert.equal(Boolean().fromWire(Buffer.from("True")), true);
    assert.throws(() => Boolean().fromWire(Buffer.from("true")), BadValueError);
    assert.equal(Boolean({ optional: true }).optional, true);
  });

  it("Unicode refuses lone surrogates and invalid UTF-8", () => {
    assert.throws(() => Unicode().toWire("a\ud800"), BadLocalValueError);
    assert.throws(() => Unicode().fromWire(Buffer.from([0xc3])), BadValueError);
    assert.equal(Unicode().fromWire(Buffer.from("\ufeffx")), "\ufeffx");
  });
});
