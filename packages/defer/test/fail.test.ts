import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Failure, fail } from "@torsion/defer";
import { trackReports } from "./helpers.js";

function failureOf(d: ReturnType<typeof fail>): Failure {
  let failure: Failure | undefined;
  d.addErrback((f) => {
    failure = f;
    return null;
  });
  assert.ok(failure);
  return failure;
}

describe("fail", () => {
  trackReports();

  it("returns a Deferred that has already failed with a Failure of the error", () => {
    const error = new Error("bad");
    const d = fail(error);
    assert.equal(d.called, true);
    assert.equal(d.peek().state, "failed");
    assert.equal(failureOf(d).value, error);
  });

  it("keeps a Failure given to it as-is", () => {
    const failure = new Failure(new TypeError("t"));
    assert.equal(failureOf(fail(failure)), failure);
  });

  it("fails with a generic Error when called without an argument", () => {
    assert.match(failureOf(fail()).getErrorMessage(), /without a reason/);
  });

  it("wraps a non-Error reason like errback does", () => {
    assert.equal(failureOf(fail(404)).type.name, "ThrownValueError");
  });
});
