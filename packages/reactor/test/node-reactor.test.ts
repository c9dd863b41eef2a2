import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ReactorAlreadyRunning, ReactorNotRunning, type IDelayedCall } from "@torsion/core";
import { Deferred, setErrorReporter, type Failure } from "@torsion/defer";
import { NodeReactor } from "@torsion/reactor";
import { activeTimeouts, makeReactor, sleep, within } from "./support.js";

describe("NodeReactor time", { timeout: 10_000 }, () => {
  it("measures monotonic time in seconds", async () => {
    const reactor = new NodeReactor({ installSignalHandlers: false });
    const start = reactor.seconds();
    await sleep(20);
    const elapsed = reactor.seconds() - start;
    assert.ok(elapsed >= 0.015 && elapsed < 5, `elapsed ${elapsed} s`);
  });

  it("runs a delayed call no earlier than its delay, without run() being called", async (t) => {
    const { reactor } = makeReactor(t);
    const start = reactor.seconds();
    const ranAt = await within(
      new Promise<number>((resolve) => {
        reactor.callLater(0.02, (value: string) => resolve(value === "arg" ? reactor.seconds() : -1), "arg");
      }),
      2000,
      "callLater",
    );
    assert.ok(ranAt - start >= 0.02 - 1e-6, `ran after ${ranAt - start} s`);
    assert.equal(reactor.running, false);
  });

  it("runs calls in time order, and calls with the same time in scheduling order", async (t) => {
    const { reactor } = makeReactor(t);
    const frozen = reactor.seconds();
    reactor.seconds = () => frozen;
    const log: string[] = [];
    reactor.callLater(0.01, () => log.push("b1"));
    reactor.callLater(0.005, () => log.push("a"));
    reactor.callLater(0.01, () => log.push("b2"));
    reactor.callLater(0.01, () => log.push("b3"));
    const calls = reactor.getDelayedCalls();
    assert.equal(calls[1]?.getTime(), calls[3]?.getTime(), "b1 and b3 are due at the same time");
    delete (reactor as { seconds?: unknown }).seconds;
    await within(
      (async () => {
        while (reactor.getDelayedCalls().length > 0) await sleep(5);
      })(),
      2000,
      "the calls",
    );
    assert.deepEqual(log, ["a", "b1", "b2", "b3"]);
  });

  it("makes a call scheduled by a running call wait for a later pass", async (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    const frozen = reactor.seconds();
    reactor.seconds = () => frozen;
    reactor.callLater(0.005, () => {
      log.push("first");
      reactor.callLater(0, () => log.push("scheduled during the pass"));
    });
    reactor.callLater(0.005, () => log.push("second"));
    delete (reactor as { seconds?: unknown }).seconds;
    await within(
      (async () => {
        while (log.length < 3) await sleep(5);
      })(),
      2000,
      "the calls",
    );
    assert.deepEqual(log, ["first", "second", "scheduled during the pass"]);
  });

  it("rejects a negative delay with RangeError", (t) => {
    const { reactor } = makeReactor(t);
    assert.throws(() => reactor.callLater(-1, () => undefined), RangeError);
    assert.deepEqual(reactor.getDelayedCalls(), []);
  });

  it("keeps 5,000 pending delayed calls on one Node timer, and on none once they are cancelled", (t) => {
    const { reactor } = makeReactor(t);
    const before = activeTimeouts();
    const calls: IDelayedCall[] = [];
    for (let i = 0; i < 5000; i += 1) calls.push(reactor.callLater(60 + i / 100, () => assert.fail("must not run")));
    assert.equal(activeTimeouts(), before + 1);
    assert.equal(reactor.getDelayedCalls().length, 5000);
    for (const call of calls) call.cancel();
    assert.equal(activeTimeouts(), before);
    assert.equal(reactor.getDelayedCalls().length, 0);
  });

  it("reports an exception thrown by a delayed call and still runs the other calls", async (t) => {
    const { reactor, reports } = makeReactor(t);
    const boom = new Error("boom");
    const log: string[] = [];
    const frozen = reactor.seconds();
    reactor.seconds = () => frozen;
    reactor.callLater(0.005, () => log.push("before"));
    reactor.callLater(0.005, () => {
      throw boom;
    });
    reactor.callLater(0.005, () => log.push("after"));
    delete (reactor as { seconds?: unknown }).seconds;
    await within(
      (async () => {
        while (reactor.getDelayedCalls().length > 0) await sleep(5);
      })(),
      2000,
      "the calls",
    );
    assert.deepEqual(log, ["before", "after"]);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.failure.value, boom);
  });

  it("lists pending delayed calls, earliest first, and drops them once run or cancelled", async (t) => {
    const { reactor } = makeReactor(t);
    const late = reactor.callLater(30, () => undefined);
    const cancelled = reactor.callLater(20, () => undefined);
    const soon = reactor.callLater(0.005, () => undefined);
    assert.deepEqual(reactor.getDelayedCalls(), [soon, cancelled, late]);
    cancelled.cancel();
    await within(
      (async () => {
        while (soon.active()) await sleep(5);
      })(),
      2000,
      "the soon call",
    );
    assert.deepEqual(reactor.getDelayedCalls(), [late]);
  });
});

describe("NodeReactor reporting", { timeout: 5000 }, () => {
  it("sends reports to the process-wide reporter when no errorReporter is given", (t) => {
    const seen: string[] = [];
    const previous = setErrorReporter((failure: Failure, context) => seen.push(`${context}: ${failure.value.message}`));
    t.after(() => setErrorReporter(previous));
    new NodeReactor({ installSignalHandlers: false }).reportError(new Error("oops"), "ctx");
    assert.deepEqual(seen, ["ctx: oops"]);
  });

  it("falls back to the process-wide reporter when its errorReporter throws", (t) => {
    const seen: string[] = [];
    const previous = setErrorReporter((failure: Failure, context) => seen.push(`${context}: ${failure.value.message}`));
    t.after(() => setErrorReporter(previous));
    const reactor = new NodeReactor({
      installSignalHandlers: false,
      errorReporter: () => {
        throw new Error("reporter broke");
      },
    });
    assert.doesNotThrow(() => reactor.reportError(new Error("oops"), "ctx"));
    assert.deepEqual(seen, ["ctx: oops", "error in the reactor's errorReporter: reporter broke"]);
  });

  it("rejects a negative, infinite or NaN shutdown grace or timeout", () => {
    assert.throws(() => new NodeReactor({ shutdownGraceSeconds: -1 }), RangeError);
    assert.throws(() => new NodeReactor({ shutdownGraceSeconds: Number.POSITIVE_INFINITY }), RangeError);
    assert.throws(() => new NodeReactor({ shutdownTimeoutSeconds: Number.NaN }), RangeError);
    assert.equal(new NodeReactor().shutdownGraceSeconds, 10);
    assert.equal(new NodeReactor({ shutdownGraceSeconds: 0.5 }).shutdownGraceSeconds, 0.5);
  });
});

describe("NodeReactor run, stop and crash", { timeout: 10_000 }, () => {
  it("marks itself running, runs callWhenRunning callbacks, and resolves run() after stop()", async (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    const id = reactor.callWhenRunning((tag: string) => log.push(`${tag} ${String(reactor.running)}`), "started");
    assert.equal(typeof id, "number");
    assert.equal(reactor.running, false);
    const stopped = reactor.run();
    assert.equal(reactor.running, true);
    assert.deepEqual(log, ["started true"]);
    let resolved = false;
    void stopped.then(() => {
      resolved = true;
    });
    await sleep(5);
    assert.equal(resolved, false, "run() stays pending while running");
    reactor.stop();
    await within(stopped, 2000, "run()");
    assert.equal(reactor.running, false);
  });

  it("calls a callWhenRunning callback at once when already running", (t) => {
    const { reactor } = makeReactor(t);
    void reactor.run();
    const log: string[] = [];
    assert.equal(
      reactor.callWhenRunning(() => log.push("now")),
      undefined,
    );
    assert.deepEqual(log, ["now"]);
  });

  it("holds the process open with one handle while running and releases it on stop", async (t) => {
    const { reactor } = makeReactor(t);
    const before = activeTimeouts();
    const stopped = reactor.run();
    assert.equal(activeTimeouts(), before + 1);
    reactor.stop();
    await within(stopped, 2000, "run()");
    assert.equal(activeTimeouts(), before);
  });

  it("throws ReactorAlreadyRunning from run() while running", (t) => {
    const { reactor } = makeReactor(t);
    void reactor.run();
    assert.throws(() => reactor.run(), ReactorAlreadyRunning);
  });

  it("throws ReactorNotRunning from stop() and crash() when not running, and from a second stop()", async (t) => {
    const { reactor } = makeReactor(t);
    assert.throws(() => reactor.stop(), ReactorNotRunning);
    assert.throws(() => reactor.crash(), ReactorNotRunning);
    const stopped = reactor.run();
    reactor.stop();
    assert.throws(() => reactor.stop(), ReactorNotRunning);
    await within(stopped, 2000, "run()");
    assert.throws(() => reactor.stop(), ReactorNotRunning);
  });

  it("can be run again after it stopped", async (t) => {
    const { reactor } = makeReactor(t);
    for (let round = 1; round <= 3; round += 1) {
      const log: number[] = [];
      reactor.callWhenRunning(() => log.push(round));
      const stopped = reactor.run();
      assert.deepEqual(log, [round]);
      reactor.stop();
      await within(stopped, 2000, `run() #${round}`);
      assert.equal(reactor.running, false);
    }
  });

  it("runs two reactors independently", async (t) => {
    const a = makeReactor(t).reactor;
    const b = makeReactor(t).reactor;
    const stoppedA = a.run();
    const stoppedB = b.run();
    a.stop();
    await within(stoppedA, 2000, "reactor A");
    assert.equal(a.running, false);
    assert.equal(b.running, true);
    b.stop();
    await within(stoppedB, 2000, "reactor B");
  });

  it("cancels pending delayed calls when it stops", async (t) => {
    const { reactor } = makeReactor(t);
    const stopped = reactor.run();
    const pending = reactor.callLater(30, () => assert.fail("must not run"));
    reactor.stop();
    await within(stopped, 2000, "run()");
    assert.equal(pending.active(), false);
    assert.equal(pending.getTime() > reactor.seconds(), true);
    assert.deepEqual(reactor.getDelayedCalls(), []);
  });

  it("crashes without firing shutdown triggers, leaving delayed calls pending, and may run again", async (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    reactor.addSystemEventTrigger("before", "shutdown", () => log.push("before shutdown"));
    const stopped = reactor.run();
    const pending = reactor.callLater(30, () => undefined);
    reactor.crash();
    await within(stopped, 2000, "run()");
    assert.equal(reactor.running, false);
    assert.deepEqual(log, []);
    assert.equal(pending.active(), true);
    const again = reactor.run();
    reactor.stop();
    await within(again, 2000, "second run()");
    assert.deepEqual(log, ["before shutdown"]);
  });

  it("stops a reactor from inside a callWhenRunning callback", async (t) => {
    const { reactor } = makeReactor(t);
    reactor.callWhenRunning(() => reactor.stop());
    await within(reactor.run(), 2000, "run()");
    assert.equal(reactor.running, false);
  });

  it("defers a stop() requested during a slow startup until startup has finished", async (t) => {
    const { reactor } = makeReactor(t);
    const gate = new Deferred<void>();
    const log: string[] = [];
    reactor.addSystemEventTrigger("before", "startup", () => gate);
    reactor.callWhenRunning(() => log.push("running"));
    reactor.addSystemEventTrigger("before", "shutdown", () => log.push("shutdown"));
    const stopped = reactor.run();
    assert.equal(reactor.running, false);
    reactor.stop();
    assert.throws(() => reactor.stop(), ReactorNotRunning);
    assert.deepEqual(log, []);
    gate.callback(undefined);
    await within(stopped, 2000, "run()");
    assert.deepEqual(log, ["running", "shutdown"]);
  });
});
