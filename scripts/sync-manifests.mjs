// Keeps every package manifest's publishing metadata in one shape (idempotent):
//   node scripts/sync-manifests.mjs          rewrite packages/*/package.json and copy LICENSE
//   node scripts/sync-manifests.mjs --check  exit 1 and list what differs (run by the tests)
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const REPO = "https://github.com/torsion-js/torsion";
const check = process.argv.includes("--check");
const problems = [];

/** `exports` with each JavaScript target under ./bundle/ instead of ./dist/. */
function bundledExports(exports) {
  const out = {};
  for (const [subpath, target] of Object.entries(exports ?? {})) {
    out[subpath] =
      typeof target === "object" && target !== null && typeof target.default === "string"
        ? { ...target, default: target.default.replace(/^\.\/dist\//, "./bundle/") }
        : target;
  }
  return out;
}

function expected(dir, manifest) {
  const scoped = manifest.name.startsWith("@");
  const out = { ...manifest };
  out.license = "MIT";
  out.engines = { node: ">=20" };
  out.repository = { type: "git", url: `git+${REPO}.git`, directory: `packages/${dir}` };
  out.homepage = `${REPO}/tree/main/packages/${dir}#readme`;
  out.bugs = { url: `${REPO}/issues` };
  // The scoped packages ship their JavaScript as bundles (scripts/bundle-packages.mjs); the
  // umbrella ships tsc's modules. Both ship dist/ for the types.
  out.files = scoped ? ["dist", "bundle", "src", "README.md", "LICENSE"] : ["dist", "src", "README.md", "LICENSE"];
  if (scoped) out.exports = bundledExports(out.exports);
  if (scoped) out.publishConfig = { access: "public" };
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    const deps = out[field];
    if (deps === undefined) continue;
    for (const [name, range] of Object.entries(deps)) {
      if ((name.startsWith("@torsion/") || name === "torsion") && !range.startsWith("^")) deps[name] = `^${range}`;
    }
  }
  out.peerDependencies = { ...(out.peerDependencies ?? {}), "@types/node": ">=20" };
  // The .d.ts files use Node's types (Buffer, net.Socket, ...): a required peer, so npm
  // installs it for a TypeScript consumer with no extra step.
  if (out.peerDependenciesMeta !== undefined) {
    delete out.peerDependenciesMeta["@types/node"];
    if (Object.keys(out.peerDependenciesMeta).length === 0) delete out.peerDependenciesMeta;
  }
  return out;
}

for (const dir of readdirSync("packages").sort()) {
  const path = join("packages", dir, "package.json");
  if (!existsSync(path)) continue;
  const text = readFileSync(path, "utf8");
  const manifest = JSON.parse(text);
  const wanted = `${JSON.stringify(expected(dir, manifest), null, 2)}\n`;
  const license = join("packages", dir, "LICENSE");
  const readme = join("packages", dir, "README.md");
  if (check) {
    if (wanted !== text) problems.push(`${path}: metadata differs (run node scripts/sync-manifests.mjs)`);
    if (!existsSync(license) || readFileSync(license, "utf8") !== readFileSync("LICENSE", "utf8"))
      problems.push(`${license}: missing or not the root LICENSE`);
    if (!existsSync(readme)) problems.push(`${readme}: missing`);
  } else {
    if (wanted !== text) writeFileSync(path, wanted);
    copyFileSync("LICENSE", license);
  }
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
