// `npm run lint`: ESLint (type-checked, `--max-warnings 0`) and `prettier --check`, run
// side by side. Each is single-threaded (ESLint's `--concurrency` gains nothing here: every
// thread builds its own TypeScript program), so on two cores running both at once takes
// about as long as ESLint alone. Each tool's output is printed whole, after it ends, under
// its name; the exit status is non-zero when either fails.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The bin script of an installed package, run with this node (no shell, no npx). */
function bin(pkg, name) {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = require(manifestPath);
  const rel = typeof manifest.bin === "string" ? manifest.bin : manifest.bin[name];
  return join(dirname(manifestPath), rel);
}

const TOOLS = [
  { name: "eslint", args: [bin("eslint", "eslint"), ".", "--max-warnings", "0"] },
  { name: "prettier", args: [bin("prettier", "prettier"), "--check", "."] },
];

function run(tool) {
  return new Promise((resolve) => {
    const chunks = [];
    const child = spawn(process.execPath, tool.args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk) => chunks.push(chunk));
    child.stderr.on("data", (chunk) => chunks.push(chunk));
    child.on("error", (error) => resolve({ tool, status: 1, output: String(error) }));
    child.on("close", (code, signal) =>
      resolve({ tool, status: code ?? (signal === null ? 1 : 128), output: Buffer.concat(chunks).toString() }),
    );
  });
}

const results = await Promise.all(TOOLS.map(run));
let failed = false;
for (const { tool, status, output } of results) {
  process.stdout.write(`> ${tool.name} ${status === 0 ? "passed" : `failed (exit ${status})`}\n${output}`);
  if (status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
