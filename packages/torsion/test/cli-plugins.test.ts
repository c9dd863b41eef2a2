import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CannotListenError, Factory, Protocol } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { EndpointValueError } from "@torsion/endpoints";
import { ExitStatus, exitStatusFor } from "../dist/cli/exit-status.js";
import { BUILTIN_PLUGINS, candidateModules, lookUpPlugin } from "../dist/cli/plugin-lookup.js";
import type { RunnerPlugin } from "../dist/cli/plugin.js";
import { serveTargetOf } from "../dist/cli/user-module.js";
import { WORKER_BACKLOG, workerDescription } from "../dist/cli/listen-service.js";
import { ModuleExportError, ModuleLoadError, PluginNotFoundError, RunnerUsageError, ServiceStartError } from "../dist/errors.js";

const fake: RunnerPlugin = {
  name: "fake",
  summary: "",
  usage: "",
  makeService: () => {
    throw new Error("unused");
  },
};

describe("plugin lookup", () => {
  it("finds the built-in serve, echo and portforward plugins by name", async () => {
    assert.deepEqual(
      BUILTIN_PLUGINS.map((p) => p.name),
      ["serve", "echo", "portforward"],
    );
    assert.equal((await lookUpPlugin("echo", { cwd: "/" })).name, "echo");
  });

  it("maps a bare name to the package torsion-plugin-NAME and keeps scoped names and paths as given", () => {
    assert.deepEqual(candidateModules("web"), ["torsion-plugin-web"]);
    assert.deepEqual(candidateModules("@acme/torsion-plugin-web"), ["@acme/torsion-plugin-web"]);
    assert.deepEqual(candidateModules("./plugins/web.js"), ["./plugins/web.js"]);
  });

  it("loads a third-party plugin from its package's plugin export or default export", async () => {
    const resolved: string[] = [];
    const options = {
      cwd: "/app",
      resolve: (specifier: string) => (resolved.push(specifier), `file:///app/node_modules/${specifier}/index.js`),
      importer: async (url: string) => (url.includes("web") ? { plugin: fake } : { default: fake }),
    };
    assert.equal(await lookUpPlugin("web", options), fake);
    assert.equal(await lookUpPlugin("./mine.js", options), fake);
    assert.deepEqual(resolved, ["torsion-plugin-web", "./mine.js"]);
  });

  it("says what it tried when no plugin fits", async () => {
    const missing = {
      cwd: "/app",
      resolve: () => {
        throw new ModuleLoadError("no such module");
      },
    };
    await assert.rejects(
      lookUpPlugin("web", missing),
      (e: unknown) => e instanceof PluginNotFoundError && e.message.includes("tried the built-in plugins, torsion-plugin-web"),
    );
    const notAPlugin = { cwd: "/app", resolve: () => "file:///x.js", importer: async () => ({ plugin: 42 }) };
    await assert.rejects(lookUpPlugin("web", notAPlugin), /torsion-plugin-web has no plugin export/);
  });
});

describe("what a served module exports", () => {
  class Echo extends Protocol {}
  const factory = Factory.forProtocol(Echo);
  const makeService = (): null => null;

  it("prefers makeService, then factory, then the default export, unless an export is named", () => {
    assert.equal(serveTargetOf({ makeService, factory }, null, "m").kind, "makeService");
    assert.deepEqual(serveTargetOf({ factory, default: makeService }, null, "m"), { kind: "factory", factory });
    assert.equal(serveTargetOf({ factory, other: makeService }, "other", "m").kind, "makeService");
  });

  it("turns a Protocol class into a factory of it", () => {
    const target = serveTargetOf({ Echo }, "Echo", "m");
    assert.equal(target.kind, "factory");
    assert.ok(target.kind === "factory" && target.factory.buildProtocol(null as never) instanceof Echo);
  });

  it("refuses a missing export or one of the wrong kind with ModuleExportError", () => {
    assert.throws(
      () => serveTargetOf({}, null, "m.js"),
      (e: unknown) => e instanceof ModuleExportError && e.message.includes("m.js has none of the exports makeService, factory, default"),
    );
    assert.throws(() => serveTargetOf({ factory }, "nope", "m.js"), /no export named "nope"/);
    assert.throws(() => serveTargetOf({ factory: 3 }, null, "m.js"), /is not a protocol factory/);
  });
});

describe("exit statuses", () => {
  it("are Twisted's sysexits: usage 64, data 65, no input 66, unavailable 69, software 70", () => {
    assert.equal(exitStatusFor(new RunnerUsageError("x")), ExitStatus.EX_USAGE);
    assert.equal(exitStatusFor(new PluginNotFoundError("x", [])), 64);
    assert.equal(exitStatusFor(new EndpointValueError("port", "http", "a decimal integer")), 64);
    assert.equal(exitStatusFor(new ModuleExportError("x")), 65);
    assert.equal(exitStatusFor(new ModuleLoadError("x")), 66);
    assert.equal(exitStatusFor(new ServiceStartError("x")), 69);
    assert.equal(exitStatusFor(new Failure(new CannotListenError("127.0.0.1", 80, new Error("EADDRINUSE")))), 69);
    assert.equal(exitStatusFor(new Error("a bug")), ExitStatus.EX_SOFTWARE);
    assert.equal(exitStatusFor("not even an error"), 70);
  });
});

describe("the listen backlog of a --workers worker", () => {
  it("is raised to Node's default for stream server descriptions that give none, and kept when given", () => {
    assert.equal(WORKER_BACKLOG, 511);
    assert.equal(workerDescription("tcp:8080:interface=127.0.0.1"), "tcp:8080:interface=127.0.0.1:backlog=511");
    assert.equal(workerDescription("tcp6:8080"), "tcp6:8080:backlog=511");
    assert.equal(workerDescription("unix:/tmp/s.sock"), "unix:/tmp/s.sock:backlog=511");
    assert.equal(workerDescription("tcp:8080:backlog=20"), "tcp:8080:backlog=20");
    assert.equal(workerDescription("tcp:8080:127.0.0.1:20"), "tcp:8080:127.0.0.1:20");
    assert.equal(workerDescription("tcp6:8080:20"), "tcp6:8080:20");
    assert.equal(workerDescription("udp:8080"), "udp:8080");
  });
});
