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

describe("the built-in of @torsion/process", () => {
  it("is not loaded by importing the package (nor the reactor), and the first spawnProcess loads it", async () => {
    const seen = await inFreshNode(`
      const { ProcessProtocol } = await import("@torsion/process");
      const { NodeReactor } = await import("@torsion/reactor");
      const atImport = loaded("child_process");
      const reactor = new NodeReactor();
      const exited = new Promise((resolve) => {
        const protocol = new (class extends ProcessProtocol { processEnded() { resolve(); } })();
        reactor.spawnProcess(protocol, "true", ["true"]);
      });
      const afterSpawn = loaded("child_process");
      await exited;
      console.log(JSON.stringify({ atImport, afterSpawn }));
      process.exit(0);
    `);
    assert.deepEqual(seen, { atImport: false, afterSpawn: true });
  });
});
