import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TorsionError } from "@torsion/defer";
import { InvalidLogLevelError } from "@torsion/logger";

describe("logger errors", () => {
  it("have a name, a stable code and a cause", () => {
    const cause = new Error("root");
    const error = new InvalidLogLevelError("loud", { cause });
    assert.ok(error instanceof TorsionError);
    assert.equal(error.name, "InvalidLogLevelError");
    assert.equal(error.code, "ERR_INVALID_LOG_LEVEL");
    assert.equal(error.cause, cause);
    assert.match(error.message, /"loud"/);
  });
});
