import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { ArgumentUnsupportedError, Descriptor, Path } from "@torsion/amp";

describe("Path and Descriptor", () => {
  it("Descriptor is a typed unsupported error both ways", () => {
    assert.throws(() => Descriptor().toWire(3), ArgumentUnsupportedError);
    assert.throws(() => Descriptor().fromWire(Buffer.from("0")), ArgumentUnsupportedError);
  });

  it("Path normalises absolute paths both ways and keeps non-ASCII names", () => {
    assert.equal(Path().toWire("/a/../b/./c").toString(), "/b/c");
    assert.equal(Path().fromWire(Buffer.from("/\u00e9t\u00e9/../x")), "/x");
  });
});
