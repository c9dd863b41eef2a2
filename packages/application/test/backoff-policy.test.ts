import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { backoffPolicy } from "@torsion/application";

describe("backoffPolicy", () => {
  it("waits initialDelay times factor before the first retry, exactly as Twisted", () => {
    const policy = backoffPolicy({ jitter: () => 0 });
    assert.equal(policy(1), 1.5);
    assert.equal(policy(2), 2.25);
    assert.equal(policy(3), 3.375);
  });

  it("caps the delay at maxDelay before adding the jitter", () => {
    const policy = backoffPolicy({ initialDelay: 2, factor: 10, maxDelay: 30, jitter: () => 0.25 });
    assert.equal(policy(1), 20.25);
    assert.equal(policy(2), 30.25);
    assert.equal(policy(10_000), 30.25);
  });

  it("adds a random jitter of up to one second by default", () => {
    const policy = backoffPolicy({ initialDelay: 1, factor: 1 });
    for (let i = 0; i < 50; i++) {
      const delay = policy(1);
      assert.ok(delay >= 1 && delay < 2);
    }
  });

  it("rejects negative or non-finite parameters", () => {
    assert.throws(() => backoffPolicy({ initialDelay: -1 }), RangeError);
    assert.throws(() => backoffPolicy({ factor: Number.NaN }), RangeError);
  });
});
