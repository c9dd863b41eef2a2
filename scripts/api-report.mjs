// The public API reports: one `api/<package>.api.md` per package, made by API Extractor
// from the compiled `dist/index.d.ts` (run `tsc -b` first). Checked in, so a change of a
// package's public surface is a visible diff in review.
//   node scripts/api-report.mjs                 rewrite the reports in api/
//   node scripts/api-report.mjs --check         exit 1 and summarise the difference when a
//                                              package's public surface differs from its report
//   node scripts/api-report.mjs --check --api-folder <dir> [--packages a,b]
//                                              compare against another folder (the self-test)
// Only the main entry (`.`) of each package is reported: `./internal` is unstable by
// design, and the testing subpaths are covered by their packages' tests.
import { CompilerState, Extractor, ExtractorConfig } from "@microsoft/api-extractor";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

const root = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const check = args.includes("--check");
const option = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const apiFolder = resolve(option("--api-folder") ?? join(root, "api"));
const only = option("--packages")?.split(",");
const base = JSON.parse(readFileSync(join(root, "api-extractor.json"), "utf8"));
const temp = mkdtempSync(join(tmpdir(), "torsion-api-"));
mkdirSync(apiFolder, { recursive: true });

/** The lines only in `before` and only in `after` (as multisets), in file order. */
function summarise(before, after) {
  const count = (lines) => lines.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map());
  const only = (lines, other) => {
    const left = count(other);
    return lines.filter((l) => {
      const n = left.get(l) ?? 0;
      if (n > 0) left.set(l, n - 1);
      return n === 0 && l.trim() !== "";
    });
  };
  const a = before.split("\n");
  const b = after.split("\n");
  const show = (sign, lines) =>
    lines
      .slice(0, 30)
      .map((l) => `  ${sign} ${l}`)
      .concat(lines.length > 30 ? [`  ${sign} ... ${lines.length - 30} more`] : []);
  return [...show("-", only(a, b)), ...show("+", only(b, a))].join("\n");
}

const all = readdirSync(join(root, "packages"))
  .filter((dir) => existsSync(join(root, "packages", dir, "package.json")))
  .filter((dir) => only === undefined || only.includes(dir))
  .sort();
const packages = all;
const problems = [];
const started = performance.now();
/** The extractor configuration of one package (the root api-extractor.json, pointed at it). */
function configFor(dir) {
  const projectFolder = join(root, "packages", dir);
  const entry = join(projectFolder, "dist", "index.d.ts");
  const configObject = JSON.parse(JSON.stringify(base));
  configObject.projectFolder = projectFolder;
  configObject.mainEntryPointFilePath = entry;
  configObject.compiler.overrideTsconfig.files = [entry];
  configObject.apiReport.reportFolder = apiFolder;
  configObject.apiReport.reportTempFolder = temp;
  configObject.apiReport.reportFileName = `${dir}.api.md`;
  return ExtractorConfig.prepare({
    configObject,
    configObjectFullPath: join(root, "api-extractor.json"),
    packageJsonFullPath: join(projectFolder, "package.json"),
  });
}

try {
  const ready = packages.filter((dir) => {
    const entry = join(root, "packages", dir, "dist", "index.d.ts");
    if (!existsSync(entry)) problems.push(`${dir}: ${entry} is missing (run tsc -b first)`);
    return existsSync(entry);
  });
  // One TypeScript program for every entry point of this process: building the program
  // (with @types/node) is most of the cost, so it is done once, not once per package.
  const configs = ready.map(configFor);
  // (Measured: 7 s of CPU for all 20 packages this way; a program per package took 14 s.)
  const compilerState =
    configs.length === 0
      ? undefined
      : CompilerState.create(configs[0], { additionalEntryPoints: configs.map((c) => c.mainEntryPointFilePath) });
  for (const [index, dir] of ready.entries()) {
    const config = configs[index];
    const messages = [];
    const result = Extractor.invoke(config, {
      compilerState,
      localBuild: !check,
      showVerboseMessages: false,
      messageCallback: (message) => {
        const created = message.messageId === "console-api-report-created" || message.messageId === "console-api-report-copied";
        if ((message.logLevel === "error" || message.logLevel === "warning") && !(created && !check))
          messages.push(message.formatMessageWithLocation(root));
        message.handled = true;
      },
    });
    const report = join(apiFolder, `${dir}.api.md`);
    const made = join(temp, `${dir}.api.md`);
    if (messages.length > 0) problems.push(`${dir}:\n  ${messages.join("\n  ")}`);
    if (check && result.apiReportChanged) {
      const before = existsSync(report) ? readFileSync(report, "utf8") : "";
      const after = existsSync(made) ? readFileSync(made, "utf8") : "";
      problems.push(
        `${dir}: the public API differs from api/${dir}.api.md (run node scripts/api-report.mjs and commit the report if the change is intended)\n${summarise(before, after)}`,
      );
    } else if (!check && !result.succeeded && messages.length === 0) {
      problems.push(`${dir}: API Extractor failed`);
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (problems.length > 0) {
  console.error(problems.join("\n\n"));
  console.error(`\napi-report: ${problems.length} problem(s) in ${all.length} package(s), ${seconds} s`);
  process.exit(1);
}
console.log(`api-report: ${all.length} package(s) ${check ? "match their reports" : "reported into api/"} (${seconds} s)`);
