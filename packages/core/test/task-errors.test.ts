import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TorsionError } from "@torsion/defer";
import { LoopingCallStateError } from "@torsion/core";

describe("LoopingCallStateError", () => {
  it("is a TorsionError with its own name and stable code", () => {
    const error = new LoopingCallStateError("not running");
    assert.ok(error instanceof TorsionError);
    assert.equal(error.name, "LoopingCallStateError");
    assert.equal(error.code, "ERR_LOOPING_CALL_STATE");
    assert.equal(error.message, "not running");
  });

  it("carries a cause", () => {
    const cause = new Error("root");
    assert.equal(new LoopingCallStateError("x", { cause }).cause, cause);
  });
});
