import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import * as amp from "@torsion/amp";
import * as torsion from "torsion";

describe("@torsion/amp's index", () => {
  it("exports the AMP API, and the umbrella re-exports it", () => {
    for (const name of [
      "AMP",
      "AmpBox",
      "BinaryBoxDecoder",
      "BinaryBoxProtocol",
      "Command",
      "ProtocolSwitchCommand",
      "StartTLS",
      "Integer",
      "BigInteger",
      "String",
      "Bytes",
      "Unicode",
      "Boolean",
      "Float",
      "Decimal",
      "DateTime",
      "Path",
      "ListOf",
      "AmpList",
      "Descriptor",
    ]) {
      assert.ok(name in amp, name);
      assert.equal((torsion as Record<string, unknown>)[name], (amp as Record<string, unknown>)[name], name);
    }
    assert.equal(amp.String, amp.Bytes);
  });
});
