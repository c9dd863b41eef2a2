import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseOptions } from "../dist/cli/parse-options.js";
import { parseRunnerOptions, parseWorkers } from "../dist/cli/runner-options.js";
import { parseModuleReference } from "../dist/cli/user-module.js";
import { RunnerUsageError } from "../dist/errors.js";

const SPECS = [
  { name: "listen", takesValue: true, repeatable: true },
  { name: "dest", takesValue: true },
  { name: "help", short: "h", takesValue: false },
];

describe("parseOptions", () => {
  it("accepts --name value, --name=value, short flags and keeps repeated values in order", () => {
    const parsed = parseOptions(["--listen", "tcp:1", "--listen=tcp:2", "-h", "mod.js", "--dest", "x"], SPECS);
    assert.deepEqual(parsed.values.get("listen"), ["tcp:1", "tcp:2"]);
    assert.deepEqual(parsed.values.get("dest"), ["x"]);
    assert.ok(parsed.values.has("help"));
    assert.deepEqual(parsed.positionals, ["mod.js"]);
  });

  it("keeps the = inside a value and treats everything after -- as positional", () => {
    const parsed = parseOptions(["--dest=tcp:host=a:port=1", "--", "--listen", "x"], SPECS);
    assert.deepEqual(parsed.values.get("dest"), ["tcp:host=a:port=1"]);
    assert.deepEqual(parsed.positionals, ["--listen", "x"]);
  });

  it("stops at the first positional when asked, leaving the rest untouched", () => {
    const parsed = parseOptions(["--listen", "a", "plugin", "--unknown", "-h"], SPECS, { stopAtPositional: true });
    assert.deepEqual(parsed.rest, ["plugin", "--unknown", "-h"]);
    assert.equal(parsed.values.has("help"), false);
  });

  it("refuses unknown options, missing values, values for flags and repeats of single options", () => {
    assert.throws(
      () => parseOptions(["--nope"], SPECS),
      (e: unknown) => e instanceof RunnerUsageError && e.message.includes("unknown option --nope"),
    );
    assert.throws(() => parseOptions(["--dest"], SPECS), /--dest needs a value/);
    assert.throws(() => parseOptions(["--help=yes"], SPECS), /--help takes no value/);
    assert.throws(() => parseOptions(["--dest", "a", "--dest", "b"], SPECS), /--dest given more than once/);
  });
});

describe("parseRunnerOptions", () => {
  it("has Twisted's defaults: info level, text format, logging to standard output", () => {
    const options = parseRunnerOptions(["echo", "--listen", "tcp:0"], 2);
    assert.equal(options.logLevel, "info");
    assert.equal(options.logFormat, "text");
    assert.equal(options.logFile, "-");
    assert.equal(options.workers, null);
    assert.equal(options.plugin, "echo");
    assert.deepEqual(options.pluginArgs, ["--listen", "tcp:0"]);
  });

  it("reads the runner's options before the plugin name only", () => {
    const options = parseRunnerOptions(
      ["--log-level=debug", "--log-format", "json", "--workers", "auto", "--health", "tcp:9", "serve", "--help"],
      4,
    );
    assert.equal(options.logLevel, "debug");
    assert.equal(options.logFormat, "json");
    assert.equal(options.workers, 4);
    assert.equal(options.health, "tcp:9");
    assert.equal(options.help, false);
    assert.deepEqual(options.pluginArgs, ["--help"]);
  });

  it("refuses a bad level, format or worker count with a usage error", () => {
    assert.throws(() => parseRunnerOptions(["--log-level", "loud", "echo"], 2), /--log-level must be one of/);
    assert.throws(() => parseRunnerOptions(["--log-format", "xml", "echo"], 2), /--log-format must be text or json/);
    for (const bad of ["0", "-1", "1.5", "two", "2000", ""]) assert.throws(() => parseWorkers(bad, 2), RunnerUsageError, bad);
    assert.equal(parseWorkers("auto", 0), 1);
    assert.equal(parseWorkers("16", 2), 16);
  });
});

describe("parseModuleReference", () => {
  it("splits MODULE:EXPORT at the last colon when an identifier follows", () => {
    assert.deepEqual(parseModuleReference("./server.js:EchoFactory"), { specifier: "./server.js", exportName: "EchoFactory" });
    assert.deepEqual(parseModuleReference("./server.js"), { specifier: "./server.js", exportName: null });
    assert.deepEqual(parseModuleReference("@scope/pkg:makeService"), { specifier: "@scope/pkg", exportName: "makeService" });
    assert.deepEqual(parseModuleReference("C:server"), { specifier: "C:server", exportName: null });
  });
});
