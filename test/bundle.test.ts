/**
 * An app using `torsion` bundles with esbuild into one ESM file. `debug` (a runtime
 * dependency) calls `require("tty")` in its Node entry, which an ESM bundle cannot do by
 * itself, so the documented fix is one banner line giving the bundle a `require`
 * (README, "Bundling"). Both halves are checked: without the banner the bundle fails
 * with esbuild's "Dynamic require" error; with it, it runs an echo over loopback.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

/** The banner the README documents. */
export const REQUIRE_BANNER = 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);';

const dir = join(process.cwd(), "dist-test", "bundle");

async function bundle(name: string, banner: string | undefined): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, "entry.mjs");
  copyFileSync(join(process.cwd(), "test", "consumer", "bundle-entry.mjs.txt"), entry);
  const outfile = join(dir, name);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    logLevel: "silent",
    ...(banner === undefined ? {} : { banner: { js: banner } }),
  });
  return outfile;
}

function runBundle(file: string): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const result = spawnSync(process.execPath, [file], { encoding: "utf8", env, timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("bundling an app with esbuild", () => {
  it("fails on debug's require of tty without the banner", async () => {
    const result = runBundle(await bundle("plain.mjs", undefined));
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /Dynamic require of "tty" is not supported/);
  });

  it("runs an echo over loopback with the documented one-line banner", async () => {
    try {
      const result = runBundle(await bundle("with-banner.mjs", REQUIRE_BANNER));
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, "echo: bundled\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
