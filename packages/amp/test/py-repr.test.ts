import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { pyBytesRepr } from "@torsion/amp/internal";

describe("pyBytesRepr", () => {
  it("writes bytes as Python's repr does", () => {
    assert.equal(pyBytesRepr(Buffer.from("Sum")), "b'Sum'");
    assert.equal(pyBytesRepr(Buffer.from("it's")), `b"it's"`);
    assert.equal(pyBytesRepr(Buffer.from(`'"`)), `b'\\'"'`);
    assert.equal(pyBytesRepr(Buffer.from([0, 9, 10, 13, 0x5c, 0xff])), "b'\\x00\\t\\n\\r\\\\\\xff'");
  });
});
