import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TorsionError } from "@torsion/defer";

describe("TorsionError", () => {
  it("is an Error with name TorsionError, code ERR_TORSION and an optional cause", () => {
    const cause = new Error("root");
    const error = new TorsionError("wrapped", { cause });
    assert.ok(error instanceof Error);
    assert.equal(error.name, "TorsionError");
    assert.equal(error.code, "ERR_TORSION");
    assert.equal(error.message, "wrapped");
    assert.equal(error.cause, cause);
  });
});
