import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { Float } from "@torsion/amp";
import { parsePythonFloat, pyFloatRepr } from "@torsion/amp/internal";

describe("Float", () => {
  it("Float writes Python's repr, not JavaScript's", () => {
    const cases: [number, string][] = [
      [1e-7, "1e-07"],
      [1e21, "1e+21"],
      [100, "100.0"],
      [0.1, "0.1"],
      [1e16, "1e+16"],
      [1.5e16, "1.5e+16"],
      [123456789012345.6, "123456789012345.6"],
      [0.0001, "0.0001"],
      [0.00001, "1e-05"],
      [-0, "-0.0"],
      [Infinity, "inf"],
      [5e-324, "5e-324"],
      [1.7976931348623157e308, "1.7976931348623157e+308"],
    ];
    for (const [value, text] of cases) assert.equal(pyFloatRepr(value), text, String(value));
    assert.equal(Float().toWire(3).toString(), "3.0");
    assert.ok(Number.isNaN(Float().fromWire(Buffer.from("-NaN"))));
  });

  it("parses what Python's float() parses", () => {
    assert.equal(parsePythonFloat(" 1_0.5e1 "), 105);
    assert.equal(parsePythonFloat("-iNfInItY"), -Infinity);
    assert.equal(parsePythonFloat("1e400"), Infinity);
    for (const bad of ["0x1p3", "", "1e", "."]) assert.equal(parsePythonFloat(bad), null, bad);
  });
});
