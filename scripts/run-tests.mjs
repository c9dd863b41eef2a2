// Runs every compiled test file with node's test runner.
// Node 20's `node --test` does not expand globs, so the files are listed here.
// Set TORSION_TEST_FILTER=<substring>[,<substring>...] to run only the files matching one of them.
// TORSION_TEST_CONCURRENCY=<n> runs n test processes at once (default 2, the CI machine's cores).
//
// Node starts one process per test file, which costs about 0.1 s of CPU each: nearly
// half of the suite's CPU time. The test files of the in-memory packages (no sockets, no
// child processes, no signals) are therefore run one process per package: a generated
// entry file imports them all, in order. TORSION_TEST_ISOLATE=1 runs every file in a
// process of its own instead (the two modes must give the same results).
import { spawnSync } from "node:child_process";
import { readdirSync, existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Packages whose tests run in memory only, so their files can share a process. */
const IN_MEMORY_PACKAGES = ["defer", "core", "testing", "protocols"];

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

// The packages' exports point at bundle/ (scripts/bundle-packages.mjs); rebuilding the bundles
// here means a bare `tsc -b` never leaves the tests running stale code.
const bundled = spawnSync(process.execPath, ["scripts/bundle-packages.mjs"], { stdio: "inherit" });
if (bundled.status !== 0) process.exit(bundled.status ?? 1);

const files = [];
for (const root of roots) collect(root, files);
const filter = process.env.TORSION_TEST_FILTER;
const wanted = (filter ?? "").split(",").filter((part) => part !== "");
const selected = wanted.length > 0 ? files.filter((f) => wanted.some((part) => f.includes(part))) : files;
if (selected.length === 0) {
  console.error("run-tests: no test files found; did `tsc -b` run?");
  process.exit(1);
}

const isolate = process.env.TORSION_TEST_ISOLATE === "1";
const concurrency = Number(process.env.TORSION_TEST_CONCURRENCY ?? "2");
const groupDir = isolate ? null : mkdtempSync(join(tmpdir(), "torsion-tests-"));
const args = [];
const grouped = new Map();
for (const file of selected) {
  const pkg = IN_MEMORY_PACKAGES.find((name) => file.startsWith(join("packages", name, "dist-test")));
  if (groupDir === null || pkg === undefined) args.push(file);
  else grouped.set(pkg, [...(grouped.get(pkg) ?? []), file]);
}
for (const [pkg, group] of grouped) {
  if (group.length === 1) {
    args.push(group[0]);
    continue;
  }
  const entry = join(groupDir, `${pkg}.test.mjs`);
  const imports = group.map((file) => `import ${JSON.stringify(pathToFileURL(resolve(file)).href)};`);
  writeFileSync(entry, `// The ${group.length} test files of @torsion/${pkg}, in one process.\n${imports.join("\n")}\n`);
  args.push(entry);
}

let status = 1;
try {
  const result = spawnSync(process.execPath, ["--test", `--test-concurrency=${concurrency}`, ...args], { stdio: "inherit" });
  status = result.status ?? 1;
} finally {
  if (groupDir !== null) rmSync(groupDir, { recursive: true, force: true });
}
process.exit(status);
