import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Service } from "@torsion/application";
import { fail, type Deferred } from "@torsion/defer";
import { BufferingObserver, Logger, LogPublisher } from "@torsion/logger";
import { NodeReactor } from "@torsion/reactor";
import { MemoryReactorClock } from "@torsion/testing";
import { runCli, type CliEnvironment } from "../dist/cli/main.js";
import type { RunnerPlugin } from "../dist/cli/plugin.js";
import { runService } from "../dist/cli/run-service.js";

function environment(argv: string[], builtins: RunnerPlugin[] = []): { env: CliEnvironment; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const env: CliEnvironment = {
    argv,
    cwd: "/nonexistent",
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    cpuCount: 2,
    reactor: new NodeReactor({ installSignalHandlers: false }),
    role: "primary",
    lookup: {
      builtins,
      resolve: () => {
        throw new Error("no modules here");
      },
    },
  };
  return { env, out, err };
}

const plugin: RunnerPlugin = {
  name: "demo",
  summary: "a demo",
  usage: "Usage: torsion demo\n",
  makeService: (args) => {
    if (args.includes("--bad")) throw new Error("demo cannot start");
    return new Service();
  },
};

describe("runCli", () => {
  it("prints the usage and the plugins with --help (status 0) and without a plugin (status 64, on stderr)", async () => {
    const help = environment(["--help"], [plugin]);
    assert.equal(await runCli(help.env), 0);
    assert.match(help.out.join(""), /Usage: torsion \[options\] PLUGIN/);
    const none = environment([]);
    assert.equal(await runCli(none.env), 64);
    assert.match(none.err.join(""), /Usage: torsion/);
  });

  it("prints the version from the package manifest", async () => {
    const { env, out } = environment(["--version"]);
    assert.equal(await runCli(env), 0);
    assert.match(out.join(""), /^torsion \d+\.\d+\.\d+/);
  });

  it("prints a plugin's usage for PLUGIN --help", async () => {
    const { env, out } = environment(["demo", "--help"], [plugin]);
    assert.equal(await runCli(env), 0);
    assert.equal(out.join(""), "Usage: torsion demo\n");
  });

  it("reports a bad runner option and an unknown plugin as usage errors (64)", async () => {
    const bad = environment(["--frobnicate", "demo"], [plugin]);
    assert.equal(await runCli(bad.env), 64);
    assert.match(bad.err.join(""), /torsion: unknown option --frobnicate\nTry torsion --help/);
    const unknown = environment(["nope"], [plugin]);
    assert.equal(await runCli(unknown.env), 64);
    assert.match(unknown.err.join(""), /no plugin named "nope"/);
  });

  it("reports a plugin that throws while building its service with its message and status 70", async () => {
    const { env, err } = environment(["--log-file", "/dev/null", "demo", "--bad"], [plugin]);
    assert.equal(await runCli(env), 70);
    assert.match(err.join(""), /torsion: demo cannot start/);
  });
});

describe("runService", () => {
  function logger(): { log: Logger; events: BufferingObserver } {
    const publisher = new LogPublisher();
    const events = new BufferingObserver();
    publisher.addObserver(events.observer);
    return { log: new Logger({ namespace: "test", publisher }), events };
  }

  it("starts the service once the reactor runs and stops it before the reactor shuts down", async () => {
    const reactor = new MemoryReactorClock();
    const service = new Service();
    const seen: string[] = [];
    service.startService = function (this: Service) {
      seen.push(`start running=${String(reactor.running)}`);
      Service.prototype.startService.call(this);
    };
    service.stopService = function (this: Service) {
      seen.push(`stop running=${String(reactor.running)}`);
      Service.prototype.stopService.call(this);
    };
    let started = 0;
    assert.equal(await runService({ reactor, service, log: logger().log, onStarted: () => started++ }), 0);
    assert.deepEqual(seen, ["start running=true", "stop running=true"]);
    assert.equal(started, 1);
  });

  it("logs a failed start at critical, stops the reactor and returns the failure's status", async () => {
    const reactor = new MemoryReactorClock();
    const service = new Service();
    service.startService = (): Deferred<unknown> => fail(new Error("no luck"));
    const { log, events } = logger();
    assert.equal(await runService({ reactor, service, log }), 70);
    const critical = events.events.filter((e) => e.level === "critical");
    assert.equal(critical.length, 1);
    assert.match(String(critical[0]!.fields.message), /no luck/);
  });
});
