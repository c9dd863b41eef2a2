import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { AmpList, Integer, ListOf, MissingKeyError, Unicode } from "@torsion/amp";

describe("ListOf and AmpList", () => {
  it("ListOf nests and drops a trailing partial element", () => {
    const type = ListOf(ListOf(Integer()));
    const wire = type.toWire([[1, 2], [], [3]]);
    assert.deepEqual(type.fromWire(wire), [[1, 2], [], [3]]);
    assert.deepEqual(type.fromWire(Buffer.concat([wire, Buffer.from([0, 9, 1])])), [[1, 2], [], [3]]);
  });

  it("AmpList nests, omits missing optional fields and refuses missing required ones", () => {
    const type = AmpList({ name: Unicode(), note: Unicode({ optional: true }), inner: AmpList({ n: Integer() }) });
    const wire = type.toWire([
      { name: "a", inner: [{ n: 1 }] },
      { name: "b", note: "x", inner: [] },
    ]);
    assert.deepEqual(type.fromWire(wire), [
      { name: "a", note: null, inner: [{ n: 1 }] },
      { name: "b", note: "x", inner: [] },
    ]);
    assert.throws(() => type.toWire([{ note: "x" } as never]), MissingKeyError);
  });
});
