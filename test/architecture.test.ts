import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./helpers/run-node.js";

const platformFree = ["defer", "core", "testing", "protocols"];
const nodeIo = /from\s+["'](node:)?(net|dgram|tls|http|https)["']/;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

describe("the package architecture", () => {
  for (const pkg of platformFree) {
    it(`keeps @torsion/${pkg} free of Node network I/O imports`, () => {
      const files = sources(join(repoRoot, "packages", pkg, "src"));
      assert.ok(files.length > 0, `no sources found for ${pkg}`);
      const offenders = files.filter((file) => nodeIo.test(readFileSync(file, "utf8")));
      assert.deepEqual(offenders, []);
    });
  }

  it("gives every package only tslib, debug and @torsion packages as runtime dependencies", () => {
    for (const pkg of readdirSync(join(repoRoot, "packages"))) {
      const manifest = JSON.parse(readFileSync(join(repoRoot, "packages", pkg, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
      };
      for (const dep of Object.keys(manifest.dependencies ?? {})) {
        assert.ok(dep === "tslib" || dep === "debug" || dep.startsWith("@torsion/"), `${pkg} depends on ${dep}`);
      }
    }
  });

  it("confines undocumented Node internals (_handle, process.nextTick =, Symbol.species) to node-internals.ts files", () => {
    const tricks = [/\b_handle\b/, /process\.nextTick\s*=(?!=)/, /Symbol\.species/];
    const offenders: string[] = [];
    for (const pkg of readdirSync(join(repoRoot, "packages"))) {
      for (const file of sources(join(repoRoot, "packages", pkg, "src"))) {
        if (file.endsWith("node-internals.ts")) continue;
        const text = readFileSync(file, "utf8");
        for (const trick of tricks) if (trick.test(text)) offenders.push(`${file.slice(repoRoot.length + 1)}: ${trick.source}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
