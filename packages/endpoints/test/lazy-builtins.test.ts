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

describe("the built-ins of @torsion/endpoints", () => {
  it("are not loaded by importing the package; resolving a name loads node:dns/promises only", async () => {
    const seen = await inFreshNode(`
      const { defaultResolver } = await import("@torsion/endpoints");
      const atImport = { dns: loaded("dns/promises"), crypto: loaded("crypto") };
      const addresses = await defaultResolver("localhost", { family: 4 });
      console.log(JSON.stringify({ atImport, afterResolve: { dns: loaded("dns/promises"), crypto: loaded("crypto") }, first: addresses[0] }));
    `);
    assert.deepEqual(seen, {
      atImport: { dns: false, crypto: false },
      afterResolve: { dns: true, crypto: false },
      first: { address: "127.0.0.1", family: 4 },
    });
  });
});
