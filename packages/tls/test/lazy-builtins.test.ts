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

describe("the built-ins of @torsion/tls", () => {
  it("are not loaded by importing the package, and each is loaded by the first feature that needs it", async () => {
    const seen = await inFreshNode(`
      const { KeyPair, CertificateOptions } = await import("@torsion/tls");
      const atImport = { tls: loaded("tls"), crypto: loaded("crypto") };
      const key = KeyPair.generate("ec");
      const afterKey = { tls: loaded("tls"), crypto: loaded("crypto") };
      new CertificateOptions({}).tlsOptionsFor("client", "localhost");
      console.log(JSON.stringify({ atImport, afterKey, afterContext: { tls: loaded("tls") }, pem: key.dump().startsWith("-----BEGIN") }));
    `);
    assert.deepEqual(seen, {
      atImport: { tls: false, crypto: false },
      afterKey: { tls: false, crypto: true },
      afterContext: { tls: true },
      pem: true,
    });
  });
});
