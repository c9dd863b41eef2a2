import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { AmpDecimal, BadLocalValueError, BadValueError, Decimal } from "@torsion/amp";

describe("AmpDecimal and Decimal", () => {
  it("Decimal keeps its exponent and trailing zeros", () => {
    for (const text of ["1.0", "1E+2", "1E-7", "-0", "0E-7", "NaN", "-sNaN", "Infinity", "NaN123", "123.4500", "0.000001"]) {
      assert.equal(AmpDecimal.parse(text).toString(), text);
    }
    assert.equal(AmpDecimal.parse("0.0000001").toString(), "1E-7");
    assert.ok(!AmpDecimal.parse("1.0").equals(AmpDecimal.parse("1.00")));
    assert.throws(() => AmpDecimal.parse("0x1"), BadValueError);
  });

  it("encodes decimal text or an AmpDecimal, and refuses bad text locally", () => {
    assert.equal(Decimal().toWire("1.50").toString(), "1.50");
    assert.equal(
      Decimal()
        .toWire(new AmpDecimal(1, "5", -3))
        .toString(),
      "-0.005",
    );
    assert.throws(() => Decimal().toWire("1,5"), BadLocalValueError);
    assert.equal(AmpDecimal.parse("2.5E-3").toNumber(), 0.0025);
  });
});
