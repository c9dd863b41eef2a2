import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectorState, Protocol, isHalfCloseable } from "@torsion/core";

describe("isHalfCloseable", () => {
  it("is true for a protocol with both readConnectionLost and writeConnectionLost", () => {
    class Half extends Protocol {
      readConnectionLost(): void {}
      writeConnectionLost(): void {}
    }
    assert.equal(isHalfCloseable(new Half()), true);
  });

  it("is false when either method is missing or not a function", () => {
    assert.equal(isHalfCloseable(new Protocol()), false);
    assert.equal(isHalfCloseable({ readConnectionLost: () => undefined }), false);
    assert.equal(isHalfCloseable({ readConnectionLost: () => undefined, writeConnectionLost: true }), false);
  });
});

describe("ConnectorState", () => {
  it("names the three connector states", () => {
    assert.deepEqual(Object.values(ConnectorState).sort(), ["connected", "connecting", "disconnected"]);
  });
});
