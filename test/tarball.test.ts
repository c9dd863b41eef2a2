/**
 * Torsion installs from `npm pack` tarballs into a fresh app: every workspace package is
 * packed, the tarballs are installed into a temporary strict TypeScript app (module
 * nodenext), the app is compiled with no setup beyond `npm install` (the packages' own
 * peer dependency brings @types/node) and run over loopback.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = process.cwd();
/** The Twisted examples ported in test/consumer/ports, in the order they are run. */
const PORTS = ["echo", "udp-echo", "chat", "finger", "reconnecting-client", "idle-timeout", "file-transfer"];
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let work = "";
let app = "";

function run(command: string, args: string[], cwd: string): string {
  // The test runner's own variables would make a child `node` report to it; drop them.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  // Under `npm run coverage`, c8 would also collect npm's and tsc's coverage: tens of MB
  // of profiles it then has to read and drop. The app's run is not Torsion's coverage.
  delete env.NODE_V8_COVERAGE;
  try {
    return execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 180_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed:\n${stdout ?? ""}\n${stderr ?? ""}`, { cause: error });
  }
}

describe("the packed packages", { timeout: 240_000 }, () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), "torsion-pack-"));
    const packs = join(work, "packs");
    app = join(work, "app");
    mkdirSync(packs);
    mkdirSync(app);
    run(npm, ["pack", "--workspaces", "--pack-destination", packs, "--silent"], root);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    const tarballs = readdirSync(packs)
      .filter((f) => f.endsWith(".tgz"))
      .map((f) => join(packs, f));
    run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], app);
  });

  after(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  it("each carry the LICENSE, a README, the code their exports name and the sources their maps point at", () => {
    for (const dir of readdirSync(join(app, "node_modules", "@torsion"))) {
      const pkg = join(app, "node_modules", "@torsion", dir);
      const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as {
        exports: Record<string, string | { types: string; default: string }>;
      };
      const main = manifest.exports["."];
      assert.ok(typeof main === "object", `@torsion/${dir} exports "."`);
      for (const file of ["LICENSE", "README.md", main.default, main.types, "src/index.ts"]) {
        assert.ok(existsSync(join(pkg, file)), `@torsion/${dir} has ${file}`);
      }
      // The shipped JavaScript (a bundle, see scripts/bundle-packages.mjs) and the types.
      for (const code of [main.default, main.types]) {
        const mapFile = join(pkg, `${code}.map`);
        const map = JSON.parse(readFileSync(mapFile, "utf8")) as { sources: string[] };
        assert.ok(map.sources.length > 0, `${mapFile} names its sources`);
        for (const source of map.sources) {
          assert.ok(existsSync(join(mapFile, "..", source)), `@torsion/${dir}: ${source} (from ${code}.map) exists`);
        }
      }
    }
  });

  it("compile in a strict nodenext app, with the seven Twisted ports, and run them over loopback", () => {
    copyFileSync(join(root, "test", "consumer", "echo.ts.txt"), join(app, "echo.ts"));
    const portsDir = join(root, "test", "consumer", "ports");
    mkdirSync(join(app, "ports"));
    const ports = readdirSync(portsDir).filter((f) => f.endsWith(".ts"));
    assert.deepEqual(ports.sort(), PORTS.map((name) => `${name}.ts`).sort());
    for (const file of ports) {
      const source = readFileSync(join(portsDir, file), "utf8");
      // The ports are the proof that no cast or non-null assertion is needed.
      assert.doesNotMatch(source, /\bas\s+[A-Z{(]|\w!\.|\w!\)|<\w+>\w/, `${file} uses a cast or a non-null assertion`);
      copyFileSync(join(portsDir, file), join(app, "ports", file));
    }
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noImplicitOverride: true,
          skipLibCheck: false,
          noEmitOnError: true,
          outDir: "out",
        },
        files: ["echo.ts", ...ports.map((f) => `ports/${f}`)],
      }),
    );
    run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "."], app);
    const output = run(process.execPath, [join("out", "echo.js")], app);
    assert.equal(output, "string transport: in memory\nclient got: hello over loopback\nstopped\n");
    const outputs = PORTS.map((name) => run(process.execPath, [join("out", "ports", `${name}.js`)], app));
    assert.deepEqual(outputs, [
      "echo: hello, echo\n",
      "udp echo: hello, udp from 127.0.0.1\n",
      `chat: ${JSON.stringify("What's your name?\r\nWelcome, alice!\r\n")} ${JSON.stringify("What's your name?\r\nName taken, please choose another.\r\nWelcome, bob!\r\n<alice> hi bob\r\n")} users=alice,bob\n`,
      `finger: ${JSON.stringify("Happy and well\r\n")} closing=true\n`,
      "reconnecting client: welcome back after 1 failure(s)\n",
      "idle timeout: closed by the server (ConnectionLost)\n",
      "file transfer: 200000 of 200000 bytes\n",
    ]);
  });
});
