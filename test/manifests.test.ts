import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

describe("the package manifests", () => {
  it("all carry the publishing metadata, a README and the LICENSE (scripts/sync-manifests.mjs --check)", () => {
    const result = spawnSync(process.execPath, ["scripts/sync-manifests.mjs", "--check"], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
  });
});
