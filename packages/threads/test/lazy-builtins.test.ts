import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Runs `body` as an ES module in a fresh Node (from the repository root, so `@torsion/*`
 * resolves), with `loaded(name)` telling whether the built-in `name` has been loaded, and
 * returns what it printed, parsed.
 */
async function inFreshNode(body: string): Promise<unknown> {
  const prelude = `const loaded = (name) => process.moduleLoadList.includes("NativeModule " + name);\n`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", prelude + body], { cwd: repoRoot });
  return JSON.parse(stdout) as unknown;
}

describe("the built-in of @torsion/threads", () => {
  it("is not loaded by importing the package, and asking which thread this is loads it", async () => {
    const seen = await inFreshNode(`
      const { inPoolWorker } = await import("@torsion/threads");
      const atImport = loaded("worker_threads");
      const inWorker = inPoolWorker();
      console.log(JSON.stringify({ atImport, inWorker, afterAsking: loaded("worker_threads") }));
    `);
    assert.deepEqual(seen, { atImport: false, inWorker: false, afterAsking: true });
  });
});
