// Bundles each package's compiled modules (tsc's dist/) into a few files under bundle/, the
// JavaScript its package.json `exports` point to (the types stay dist/*.d.ts).
//
// Why: Node's ES module loader costs memory per module (about 40 KiB each, kept as committed
// V8 heap), and the umbrella loads some 200 modules when every file is its own module. One
// bundle per package (with the subpath entries such as ./internal sharing chunks, so a
// package's state exists once) brings a server's start RSS back to what it was with half as
// many source files (measured in README.md, "RSS at start").
//
// Each package is bundled alone: imports of other packages (`@torsion/*`, `debug`, `tslib`,
// optional peers) stay imports, so an application that uses two packages still has one copy
// of each. A package is bundled when its manifest's exports point at ./bundle/, which
// scripts/sync-manifests.mjs makes true of every @torsion/* package; the umbrella `torsion`
// is not bundled: it is one re-exporting module, and its CLI is loaded from dist/ by
// bin/torsion.js.
//
// `npm run build` runs `tsc -b` and then this script; scripts/run-tests.mjs runs it too, so
// tests never run stale bundles after a bare `tsc -b`. It rewrites every bundle each time
// (esbuild takes well under a second for all packages). `--clean` removes the bundles
// (`npm run clean`).
import { build } from "esbuild";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Modules that are loaded by URL, not imported, and so must stay files of their own:
 * `@torsion/threads` starts workers on `worker-main.js` and opens SQLite in a worker through
 * `adbapi/sqlite-adapter.js`, both found with `new URL("./<name>.js", import.meta.url)`.
 * In the bundle that code runs from bundle/ itself (chunks are written there), so each is
 * written to bundle/<name>.js: `in` is the dist/ module, `out` the name in bundle/.
 */
const EXTRA_ENTRIES = {
  threads: [
    { in: "worker-main.js", out: "worker-main" },
    { in: "adbapi/sqlite-adapter.js", out: "sqlite-adapter" },
  ],
};

const BUNDLE_PREFIX = "./bundle/";

/** The bundle/ files that package `dir`'s exports name (none: not bundled). */
function exportedBundles(pkg) {
  const files = [];
  for (const target of Object.values(pkg.exports ?? {})) {
    if (typeof target !== "object" || target === null || typeof target.default !== "string") continue;
    if (target.default.startsWith(BUNDLE_PREFIX)) files.push(target.default.slice(BUNDLE_PREFIX.length));
  }
  return files;
}

/** esbuild entry points: each exported bundle from its dist/ module, plus the extra entries. */
function entriesOf(dir, files) {
  const entries = files.map((file) => ({ in: file, out: file.replace(/\.js$/, "") }));
  entries.push(...(EXTRA_ENTRIES[dir] ?? []));
  return entries.map((entry) => ({ in: join("packages", dir, "dist", entry.in), out: entry.out }));
}

async function bundle(dir) {
  const outdir = join("packages", dir, "bundle");
  rmSync(outdir, { recursive: true, force: true });
  const files = exportedBundles(JSON.parse(readFileSync(join("packages", dir, "package.json"), "utf8")));
  if (files.length === 0) return;
  await build({
    entryPoints: entriesOf(dir, files),
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    // No keepNames: it wraps every closure in a defineProperty call (__name), a dozen per
    // connection on the accept path, 0.6-0.8 us each. fixClassNames does it for classes only.
    // Chained to tsc's maps, so coverage and --enable-source-maps point at src/*.ts.
    sourcemap: "linked",
    sourcesContent: false,
    chunkNames: "chunk-[hash]",
    logLevel: "warning",
  });
  const declared = declaredClasses(dir);
  for (const entry of readdirSync(outdir, { recursive: true })) {
    if (String(entry).endsWith(".js")) fixClassNames(declared, join(outdir, String(entry)));
  }
}

/** Class names declared in package `dir`'s dist/ modules. */
function declaredClasses(dir) {
  const names = new Set();
  const dist = join("packages", dir, "dist");
  for (const entry of readdirSync(dist, { recursive: true })) {
    if (!String(entry).endsWith(".js")) continue;
    for (const match of readFileSync(join(dist, String(entry)), "utf8").matchAll(/\bclass\s+([\w$]+)/g)) names.add(match[1]);
  }
  return names;
}

const SELF_NAMED = /^((?:export )?var ([\w$]+) = class _\2(?: extends [^{\n]*)? \{)$/gm;
const TOP_LEVEL_CLASS = /^(?:export )?var ([\w$]+) = class(?! extends\b)(?: ([\w$]+))?/gm;

/**
 * Keeps each class's `name` what the source says (messages and log prefixes show
 * `constructor.name`). esbuild writes a top-level class as `var A = class ...`; one whose
 * body refers to itself becomes `var A = class _A`, named "_A": a static block gives it "A"
 * back, once per class. A class renamed for a clash between modules (`var A2 = class`) fails
 * the build: give one of them another name. `declared`: the class names of the package's dist/.
 */
function fixClassNames(declared, file) {
  const code = readFileSync(file, "utf8").replace(
    SELF_NAMED,
    (_line, head, name) => `${head} static { Object.defineProperty(this, "name", { value: "${name}" }); }`,
  );
  for (const [, name, inner] of code.matchAll(TOP_LEVEL_CLASS)) {
    const shown = inner === undefined || inner === `_${name}` ? name : inner;
    if (!declared.has(shown)) throw new Error(`${file}: class ${shown} is not a class of the sources (renamed by the bundler?)`);
  }
  writeFileSync(file, code);
}

const clean = process.argv.includes("--clean");
for (const dir of readdirSync("packages")) {
  if (clean) rmSync(join("packages", dir, "bundle"), { recursive: true, force: true });
  else await bundle(dir);
}
