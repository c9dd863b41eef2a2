import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TorsionError } from "@torsion/defer";
import { DuplicateServiceNameError, ExitError, NoSuchServiceError, ServiceHasParentError } from "@torsion/application";

describe("application errors", () => {
  it("have a name, a stable code and a cause", () => {
    const cause = new Error("root");
    const cases: [TorsionError, string, string][] = [
      [new DuplicateServiceNameError("a", { cause }), "DuplicateServiceNameError", "ERR_DUPLICATE_SERVICE_NAME"],
      [new ServiceHasParentError(undefined, { cause }), "ServiceHasParentError", "ERR_SERVICE_HAS_PARENT"],
      [new NoSuchServiceError("b", { cause }), "NoSuchServiceError", "ERR_NO_SUCH_SERVICE"],
      [new ExitError(3, undefined, { cause }), "ExitError", "ERR_EXIT"],
    ];
    for (const [error, name, code] of cases) {
      assert.ok(error instanceof TorsionError);
      assert.equal(error.name, name);
      assert.equal(error.code, code);
      assert.equal(error.cause, cause);
    }
  });

  it("ExitError carries an exit code from 0 to 255", () => {
    assert.equal(new ExitError(7).exitCode, 7);
    assert.throws(() => new ExitError(256), RangeError);
    assert.throws(() => new ExitError(1.5), RangeError);
  });
});
