import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EventPhase } from "@torsion/core";
import { Deferred } from "@torsion/defer";
import { InvalidEventPhaseError, UnknownTriggerError } from "@torsion/reactor";
import { makeReactor, within } from "./support.js";

describe("system events", { timeout: 5000 }, () => {
  it("runs before, during and after triggers in phase order, then in registration order", (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    for (const phase of ["after", "during", "before", "after", "during", "before"] as EventPhase[]) {
      const n = log.length;
      reactor.addSystemEventTrigger(phase, "custom", () => log.push(phase));
      assert.equal(log.length, n);
    }
    const fired = reactor.fireSystemEvent("custom");
    assert.deepEqual(log, ["before", "before", "during", "during", "after", "after"]);
    assert.deepEqual(fired.peek(), { state: "succeeded", result: undefined });
  });

  it("passes the registered arguments to each trigger", (t) => {
    const { reactor } = makeReactor(t);
    const seen: unknown[] = [];
    reactor.addSystemEventTrigger("during", "custom", (a: number, b: string) => seen.push(a, b), 1, "two");
    reactor.fireSystemEvent("custom");
    assert.deepEqual(seen, [1, "two"]);
  });

  it("makes the during phase wait for a Deferred returned by a before trigger", (t) => {
    const { reactor } = makeReactor(t);
    const gate = new Deferred<string>();
    const log: string[] = [];
    reactor.addSystemEventTrigger("before", "custom", () => gate);
    reactor.addSystemEventTrigger("before", "custom", () => log.push("second before"));
    reactor.addSystemEventTrigger("during", "custom", () => log.push("during"));
    reactor.addSystemEventTrigger("after", "custom", () => log.push("after"));
    const fired = reactor.fireSystemEvent("custom");
    assert.deepEqual(log, ["second before"]);
    assert.equal(fired.peek().state, "pending");
    gate.callback("done");
    assert.deepEqual(log, ["second before", "during", "after"]);
    assert.deepEqual(fired.peek(), { state: "succeeded", result: undefined });
    assert.deepEqual(gate.peek(), { state: "succeeded", result: "done" }, "the trigger's own Deferred keeps its result");
  });

  it("makes the during phase wait for a promise returned by a before trigger", async (t) => {
    const { reactor } = makeReactor(t);
    let release: () => void = () => undefined;
    const log: string[] = [];
    reactor.addSystemEventTrigger(
      "before",
      "custom",
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    reactor.addSystemEventTrigger("during", "custom", () => log.push("during"));
    const fired = reactor.fireSystemEvent("custom");
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, []);
    release();
    await within(fired, 2000, "the event");
    assert.deepEqual(log, ["during"]);
  });

  it("reports a failed Deferred from a before trigger and still runs the later phases", async (t) => {
    const { reactor, reports } = makeReactor(t);
    const gate = new Deferred<void>();
    const log: string[] = [];
    reactor.addSystemEventTrigger("before", "custom", () => gate);
    reactor.addSystemEventTrigger("during", "custom", () => log.push("during"));
    const fired = reactor.fireSystemEvent("custom");
    const failure = new Error("before failed");
    gate.errback(failure);
    assert.deepEqual(log, ["during"]);
    assert.equal(fired.peek().state, "succeeded");
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.failure.value, failure);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(reports.length, 1, "the failure is not reported again as unhandled");
  });

  it("reports an exception thrown by a trigger and runs the rest of the sequence", (t) => {
    const { reactor, reports } = makeReactor(t);
    const log: string[] = [];
    const boom = new Error("trigger failed");
    reactor.addSystemEventTrigger("before", "custom", function explode() {
      throw boom;
    });
    reactor.addSystemEventTrigger("before", "custom", () => log.push("before"));
    reactor.addSystemEventTrigger("during", "custom", () => {
      throw new Error("during failed");
    });
    reactor.addSystemEventTrigger("after", "custom", () => log.push("after"));
    reactor.fireSystemEvent("custom");
    assert.deepEqual(log, ["before", "after"]);
    assert.deepEqual(
      reports.map((report) => report.failure.value.message),
      ["trigger failed", "during failed"],
    );
    assert.match(reports[0]?.context ?? "", /before custom trigger explode/);
  });

  it("does not run a removed trigger, and throws UnknownTriggerError when removing it again", (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    const id = reactor.addSystemEventTrigger("during", "custom", () => log.push("removed"));
    reactor.addSystemEventTrigger("during", "custom", () => log.push("kept"));
    reactor.removeSystemEventTrigger(id);
    reactor.fireSystemEvent("custom");
    assert.deepEqual(log, ["kept"]);
    assert.throws(() => reactor.removeSystemEventTrigger(id), UnknownTriggerError);
    assert.throws(() => reactor.removeSystemEventTrigger(9_999_999), UnknownTriggerError);
  });

  it("consumes triggers when it fires them, as Twisted does", (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    const id = reactor.addSystemEventTrigger("after", "custom", () => log.push("once"));
    reactor.fireSystemEvent("custom");
    reactor.fireSystemEvent("custom");
    assert.deepEqual(log, ["once"]);
    assert.throws(() => reactor.removeSystemEventTrigger(id), UnknownTriggerError);
  });

  it("runs a trigger added to the phase being fired in the same firing", (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    reactor.addSystemEventTrigger("during", "custom", () => {
      log.push("first");
      reactor.addSystemEventTrigger("during", "custom", () => log.push("added during"));
      reactor.addSystemEventTrigger("before", "custom", () => log.push("added to a finished phase"));
    });
    reactor.fireSystemEvent("custom");
    assert.deepEqual(log, ["first", "added during"]);
    reactor.fireSystemEvent("custom");
    assert.deepEqual(log, ["first", "added during", "added to a finished phase"]);
  });

  it("rejects an unknown phase with InvalidEventPhaseError", (t) => {
    const { reactor } = makeReactor(t);
    assert.throws(() => reactor.addSystemEventTrigger("whenever" as EventPhase, "custom", () => undefined), InvalidEventPhaseError);
  });

  it("sees running false before startup and true from during startup on", (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    for (const phase of ["before", "during", "after"] as EventPhase[]) {
      reactor.addSystemEventTrigger(phase, "startup", () => log.push(`${phase} ${String(reactor.running)}`));
    }
    void reactor.run();
    assert.deepEqual(log, ["before false", "during true", "after true"]);
  });

  it("sees running true before shutdown, false from during shutdown on, and awaits before-shutdown Deferreds", async (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    const gate = new Deferred<void>();
    reactor.addSystemEventTrigger("before", "shutdown", () => {
      log.push(`before ${String(reactor.running)}`);
      return gate;
    });
    reactor.addSystemEventTrigger("during", "shutdown", () => log.push(`during ${String(reactor.running)}`));
    reactor.addSystemEventTrigger("after", "shutdown", () => log.push(`after ${String(reactor.running)}`));
    const stopped = reactor.run();
    reactor.stop();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ["before true"]);
    gate.callback(undefined);
    await within(stopped, 2000, "run()");
    assert.deepEqual(log, ["before true", "during false", "after false"]);
  });
});
