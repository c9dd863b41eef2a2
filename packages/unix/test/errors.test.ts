import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectError } from "@torsion/core";
import { BadFileError } from "@torsion/unix";

describe("unix errors", () => {
  it("BadFileError is a ConnectError with a stable code, the path and a cause", () => {
    const cause = new Error("root");
    const error = new BadFileError("/tmp/x.sock", undefined, { cause });
    assert.ok(error instanceof ConnectError);
    assert.equal(error.name, "BadFileError");
    assert.equal(error.code, "ERR_BAD_FILE");
    assert.equal(error.path, "/tmp/x.sock");
    assert.equal(error.cause, cause);
    assert.match(error.message, /x\.sock/);
  });
});
