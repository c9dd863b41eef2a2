/**
 * The Node built-ins that only some features need are loaded on first use (the
 * `lazy-builtins.ts` files of `@torsion/tls`, `endpoints`, `process` and `threads`), so
 * importing a package, the reactor or the umbrella does not put them in every process.
 * Each case runs a fresh Node and asks `process.moduleLoadList` what has been loaded.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { repoRoot } from "./helpers/run-node.js";

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

const LAZY = ["tls", "crypto", "child_process", "worker_threads", "dns/promises"];

describe("lazily loaded Node built-ins", () => {
  it("are none of them loaded by importing the umbrella torsion", async () => {
    const seen = await inFreshNode(`
      await import("torsion");
      console.log(JSON.stringify(${JSON.stringify(LAZY)}.filter((name) => loaded(name))));
    `);
    assert.deepEqual(seen, []);
  });

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
});
