// Runs every compiled test file with node's test runner.
// Node 20's `node --test` does not expand globs, so the files are listed here.
// Set TORSION_TEST_FILTER=<substring> to run only matching files.
import { spawnSync } from "node:child_process";
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const roots = ["dist-test"];
for (const pkg of readdirSync("packages")) roots.push(join("packages", pkg, "dist-test"));

function collect(dir, out) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collect(path, out);
    else if (entry.name.endsWith(".test.js")) out.push(path);
  }
}

const files = [];
for (const root of roots) collect(root, files);
const filter = process.env.TORSION_TEST_FILTER;
const selected = filter ? files.filter((f) => f.includes(filter)) : files;
if (selected.length === 0) {
  console.error("run-tests: no test files found; did `tsc -b` run?");
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...selected], { stdio: "inherit" });
process.exit(result.status ?? 1);
