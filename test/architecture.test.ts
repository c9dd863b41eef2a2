import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { repoRoot } from "./helpers/run-node.js";

const platformFree = ["defer", "core", "testing", "protocols"];
const nodeIo = /from\s+["'](node:)?(net|dgram|tls|http|https)["']/;
/** The package part of a Torsion module specifier (`@torsion/x/internal` is `@torsion/x`). */
const torsionSpecifier = /^(@torsion\/[a-z0-9-]+|torsion)(?:\/.*)?$/;

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  exports?: Record<string, unknown>;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

const packageDirs = readdirSync(join(repoRoot, "packages")).filter((dir) => existsSync(join(repoRoot, "packages", dir, "package.json")));

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(repoRoot, "packages", dir, "package.json"), "utf8")) as Manifest;
}

/** The full package name of a name in the graph table: `torsion` or `@torsion/<short>`. */
function fullName(short: string): string {
  return short === "torsion" || short.startsWith("@torsion/") ? short : `@torsion/${short}`;
}

/**
 * The package graph table of ARCHITECTURE.md: each row names one or more packages (in
 * backticks) and the short names of the packages they depend on, comma-separated, with
 * parenthesised notes ignored and `—` for none.
 */
function allowedGraph(): Map<string, Set<string>> {
  const text = readFileSync(join(repoRoot, "ARCHITECTURE.md"), "utf8");
  const graph = new Map<string, Set<string>>();
  for (const line of text.split("\n")) {
    const cells = /^\|([^|]+)\|([^|]+)\|\s*$/.exec(line);
    if (cells === null) continue;
    const [, left = "", right = ""] = cells;
    const names = [...left.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? "");
    if (names.length === 0 || !names.every((n) => n === "torsion" || n.startsWith("@torsion/"))) continue;
    const deps = right
      .replace(/\([^)]*\)/g, "")
      .split(",")
      .map((d) => d.trim())
      .filter((d) => d !== "" && d !== "—");
    for (const name of names) graph.set(name, new Set(deps.map(fullName)));
  }
  return graph;
}

/** The Torsion packages a package's sources import (its own name excluded). */
function importedPackages(dir: string, self: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sources(join(repoRoot, "packages", dir, "src"))) {
    // TypeScript's own pre-processor: static imports and re-exports, `import "x"` and
    // `import("x")`, never a module name in a comment or a string.
    for (const { fileName } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
      const name = torsionSpecifier.exec(fileName)?.[1];
      if (name !== undefined && name !== self && !found.has(name)) found.set(name, relative(repoRoot, file));
    }
  }
  return found;
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
    for (const pkg of packageDirs) {
      for (const dep of Object.keys(manifest(pkg).dependencies ?? {})) {
        assert.ok(dep === "tslib" || dep === "debug" || dep.startsWith("@torsion/"), `${pkg} depends on ${dep}`);
      }
    }
  });

  it("lists every package in the package graph table of ARCHITECTURE.md", () => {
    const graph = allowedGraph();
    const missing = packageDirs.map((dir) => manifest(dir).name).filter((name) => !graph.has(name));
    assert.deepEqual(missing, [], "packages missing from the graph table");
    for (const [name, deps] of graph) {
      for (const dep of deps) assert.ok(graph.has(dep), `${name}: ${dep} in the table is not a package`);
    }
  });

  it("gives every package exactly the @torsion dependencies its row of the package graph allows", () => {
    const graph = allowedGraph();
    const wrong: string[] = [];
    for (const dir of packageDirs) {
      const { name, dependencies = {} } = manifest(dir);
      const allowed = graph.get(name) ?? new Set<string>();
      const declared = new Set(Object.keys(dependencies).filter((d) => d.startsWith("@torsion/") || d === "torsion"));
      for (const dep of declared) if (!allowed.has(dep)) wrong.push(`${name} depends on ${dep}, which the graph does not allow`);
      for (const dep of allowed) if (!declared.has(dep)) wrong.push(`${name}: the graph lists ${dep}, the manifest does not`);
    }
    assert.deepEqual(wrong, []);
  });

  it("lets no package's sources import a Torsion package that its row of the package graph does not allow", () => {
    const graph = allowedGraph();
    const wrong: string[] = [];
    for (const dir of packageDirs) {
      const { name } = manifest(dir);
      const allowed = graph.get(name) ?? new Set<string>();
      for (const [dep, file] of importedPackages(dir, name)) {
        if (!allowed.has(dep)) wrong.push(`${file} imports ${dep}, which the graph does not allow ${name}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("confines undocumented Node internals (_handle, process.nextTick =, Symbol.species) to node-internals.ts files", () => {
    const tricks = [/\b_handle\b/, /process\.nextTick\s*=(?!=)/, /Symbol\.species/];
    const offenders: string[] = [];
    for (const pkg of packageDirs) {
      for (const file of sources(join(repoRoot, "packages", pkg, "src"))) {
        if (file.endsWith("node-internals.ts")) continue;
        const text = readFileSync(file, "utf8");
        for (const trick of tricks) if (trick.test(text)) offenders.push(`${relative(repoRoot, file)}: ${trick.source}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it("loads no Torsion package lazily (a bundler would not see it), and only Node built-ins in lazy-builtins.ts", () => {
    const offenders: string[] = [];
    for (const pkg of packageDirs) {
      for (const file of sources(join(repoRoot, "packages", pkg, "src"))) {
        const text = readFileSync(file, "utf8");
        const where = relative(repoRoot, file);
        for (const call of text.matchAll(/\b(?:require|import)\(\s*["'`]((?:@torsion\/|torsion\b)[^"'`]*)/g))
          offenders.push(`${where}: loads ${call[1] ?? ""} lazily`);
        if (!file.endsWith("lazy-builtins.ts")) continue;
        for (const call of text.matchAll(/\bload\(([^)]*)\)/g)) {
          if (!/^"node:[a-z_/]+"$/.test(call[1] ?? "")) offenders.push(`${where}: load(${call[1] ?? ""})`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  it("names every export of every package entry point (no export *)", () => {
    const offenders: string[] = [];
    for (const dir of packageDirs) {
      for (const entry of ["index.ts", "internal.ts"]) {
        const path = join(repoRoot, "packages", dir, "src", entry);
        if (existsSync(path) && /^\s*export\s+\*/m.test(readFileSync(path, "utf8"))) offenders.push(`packages/${dir}/src/${entry}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it("publishes src/internal.ts as the ./internal subpath, documented as unstable, and only then", () => {
    for (const dir of packageDirs) {
      const path = join(repoRoot, "packages", dir, "src", "internal.ts");
      const exported = Object.keys(manifest(dir).exports ?? {}).includes("./internal");
      assert.equal(exported, existsSync(path), `packages/${dir}: src/internal.ts and the "./internal" export go together`);
      if (!existsSync(path)) continue;
      const text = readFileSync(path, "utf8");
      assert.match(text, /@packageDocumentation/, `packages/${dir}/src/internal.ts has a @packageDocumentation comment`);
      assert.match(text, /\*\*Unstable:\*\*/, `packages/${dir}/src/internal.ts says it is unstable`);
    }
  });

  it("keeps the umbrella torsion free of every package's internals", async () => {
    const umbrella = (await import("torsion")) as Record<string, unknown>;
    const leaked: string[] = [];
    for (const dir of packageDirs) {
      if (!existsSync(join(repoRoot, "packages", dir, "src", "internal.ts"))) continue;
      const { name } = manifest(dir);
      const [main, internal] = (await Promise.all([import(name), import(`${name}/internal`)])) as [
        Record<string, unknown>,
        Record<string, unknown>,
      ];
      for (const key of Object.keys(internal)) {
        if (key in main) leaked.push(`${name}: ${key} is in both the main entry and ./internal`);
        if (key in umbrella && umbrella[key] === internal[key]) leaked.push(`torsion re-exports ${name}/internal's ${key}`);
      }
    }
    assert.deepEqual(leaked, []);
  });
});
