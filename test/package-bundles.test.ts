/**
 * Each `@torsion/*` package ships its JavaScript as a bundle (scripts/bundle-packages.mjs):
 * the exports of package.json point at bundle/, which must offer what tsc's dist/ modules
 * offer, under the same class names, and be what an application actually loads.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { repoRoot } from "./helpers/run-node.js";

interface Manifest {
  name: string;
  exports: Record<string, string | { types: string; default: string }>;
}

/** Each bundled entry: the package, its subpath, the bundle file and the dist/ module it is built from. */
function bundledEntries(): { name: string; subpath: string; bundle: string; dist: string }[] {
  const entries = [];
  for (const dir of readdirSync(join(repoRoot, "packages"))) {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "packages", dir, "package.json"), "utf8")) as Manifest;
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === "string" || !target.default.startsWith("./bundle/")) continue;
      const file = target.default.slice("./bundle/".length);
      entries.push({
        name: manifest.name,
        subpath,
        bundle: join(repoRoot, "packages", dir, "bundle", file),
        dist: join(repoRoot, "packages", dir, "dist", file),
      });
    }
  }
  return entries;
}

/** The names and class names (`name` of each exported class) of a module's exports. */
function shapeOf(module: Record<string, unknown>): Record<string, string> {
  const shape: Record<string, string> = {};
  for (const [key, value] of Object.entries(module)) {
    const isClass = typeof value === "function" && /^class\b/.test(Function.prototype.toString.call(value));
    shape[key] = isClass ? `class ${(value as { name: string }).name}` : typeof value;
  }
  return shape;
}

describe("the packages' bundles", () => {
  const entries = bundledEntries();

  it("are what every @torsion/* package's exports point at, other than package.json", () => {
    const dirs = readdirSync(join(repoRoot, "packages")).filter((dir) => dir !== "torsion");
    assert.deepEqual(new Set(entries.filter((e) => e.subpath === ".").map((e) => e.name)), new Set(dirs.map((d) => `@torsion/${d}`)));
  });

  it("export the same names as tsc's modules, and each class under the name its source gives it", async () => {
    for (const entry of entries) {
      const bundled = (await import(pathToFileURL(entry.bundle).href)) as Record<string, unknown>;
      const compiled = (await import(pathToFileURL(entry.dist).href)) as Record<string, unknown>;
      assert.deepEqual(shapeOf(bundled), shapeOf(compiled), `${entry.name} ${entry.subpath}`);
    }
  });

  it("are all an application loads of the packages when it imports the umbrella: no module of a package's dist/", async () => {
    // A resolve hook in a fresh Node lists every file module the import loads.
    const hook = `export async function load(url, context, next) { if (url.startsWith("file:")) process.stderr.write(url + "\\n"); return next(url, context); }`;
    const body = `import { register } from "node:module"; register("data:text/javascript,${encodeURIComponent(hook)}"); await import("torsion");`;
    const { stderr } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", body], { cwd: repoRoot });
    const loaded = stderr.split("\n").filter((line) => line.includes("/packages/"));
    const fromDist = loaded.filter((url) => /\/packages\/[^/]+\/dist\//.test(url) && !url.includes("/packages/torsion/"));
    assert.deepEqual(fromDist, []);
    const packages = new Set(loaded.map((url) => /\/packages\/([^/]+)\//.exec(url)?.[1]));
    // Every package the umbrella re-exports, each as its index and a few shared chunks.
    assert.ok(packages.size >= 15, `packages loaded: ${[...packages].join(", ")}`);
    assert.ok(loaded.length < 3 * packages.size, `${loaded.length} modules for ${packages.size} packages`);
  });
});
