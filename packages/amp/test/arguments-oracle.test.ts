import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { AmpError } from "@torsion/amp";
import { b64, loadSuite, unb64 } from "./oracle.js";
import { argumentOf, fromJson, toJson, type TypeSpec } from "./type-spec.js";

// No deviations: every vector, lenient decodings included, matches Twisted exactly.
describe("argument types replay every amp-arguments vector", () => {
  const vectors = loadSuite("amp-arguments");
  it("the fixture holds the public vectors", () => assert.equal(vectors.length, 264));
  for (const vector of vectors) {
    it(`${vector.id} (${vector.category})`, () => {
      const spec = (vector.config as { type: TypeSpec }).type;
      const argument = argumentOf(spec);
      const expected = vector.events[0] as [string, unknown];
      let outcome: [string, unknown];
      try {
        outcome =
          vector.direction === "toWire"
            ? ["wire", b64(argument.toWire(fromJson(spec, vector.value)))]
            : ["value", toJson(spec, argument.fromWire(unb64(vector.wire as string)))];
      } catch (error) {
        assert.ok(error instanceof AmpError, `expected a typed AMP error, got ${String(error)}`);
        outcome = ["raises", (error as Error).name];
      }
      if (expected[0] === "raises") assert.equal(outcome[0], "raises", `expected ${String(expected[1])}, got ${JSON.stringify(outcome)}`);
      else assert.deepEqual(outcome, expected);
    });
  }
});
