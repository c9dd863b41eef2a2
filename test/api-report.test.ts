/**
 * The API report check (`node scripts/api-report.mjs --check`, run by `npm test`) fails when
 * a package's public surface differs from its checked-in report, and says how: run here on
 * a temporary copy of two reports, one of them edited as if an export had been removed and
 * another added.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./helpers/run-node.js";

const work = mkdtempSync(join(tmpdir(), "torsion-api-check-"));

function check(packages: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(
    process.execPath,
    [join(repoRoot, "scripts", "api-report.mjs"), "--check", "--api-folder", work, "--packages", packages.join(",")],
    { encoding: "utf8", cwd: repoRoot },
  );
  return { status: result.status, stderr: result.stderr };
}

describe("the API report check", { timeout: 120_000 }, () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  it("fails on a changed export, naming the package and the lines that differ, and passes the untouched report", () => {
    for (const name of ["tcp", "unix"]) copyFileSync(join(repoRoot, "api", `${name}.api.md`), join(work, `${name}.api.md`));
    const report = join(work, "tcp.api.md");
    const original = readFileSync(report, "utf8");
    const removed = original.split("\n").find((line) => line.startsWith("export function connectTCP("));
    assert.ok(removed !== undefined, "the tcp report declares connectTCP");
    // As if connectTCP had been renamed: the report on disk has the old name, the code the new one.
    writeFileSync(report, original.replace("export function connectTCP(", "export function connectTCPOld("));
    const { status, stderr } = check(["tcp", "unix"]);
    assert.equal(status, 1, stderr);
    assert.match(stderr, /tcp: the public API differs from api\/tcp\.api\.md/);
    assert.ok(stderr.includes(`+ ${removed}`), stderr);
    assert.ok(stderr.includes("- export function connectTCPOld("), stderr);
    assert.doesNotMatch(stderr, /unix: the public API differs/);
  });
});
