import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SHUTDOWN_SIGNALS } from "@torsion/reactor";
import { makeReactor, within } from "./support.js";

describe("signal handling", { timeout: 5000 }, () => {
  for (const signal of SHUTDOWN_SIGNALS) {
    it(`stops a running reactor on ${signal}`, async (t) => {
      const { reactor } = makeReactor(t, { installSignalHandlers: true });
      const log: string[] = [];
      reactor.addSystemEventTrigger("after", "shutdown", () => log.push("stopped"));
      const stopped = reactor.run();
      process.emit(signal, signal);
      await within(stopped, 2000, "run()");
      assert.deepEqual(log, ["stopped"]);
      assert.equal(reactor.running, false);
    });
  }

  it("installs its listeners on run() and removes them as soon as stop() begins", async (t) => {
    const { reactor } = makeReactor(t, { installSignalHandlers: true });
    const before = SHUTDOWN_SIGNALS.map((signal) => process.listenerCount(signal));
    assert.deepEqual(
      SHUTDOWN_SIGNALS.map((signal) => process.listenerCount(signal)),
      before,
      "none before run()",
    );
    let release: () => void = () => undefined;
    reactor.addSystemEventTrigger(
      "before",
      "shutdown",
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    const stopped = reactor.run();
    assert.deepEqual(
      SHUTDOWN_SIGNALS.map((signal) => process.listenerCount(signal)),
      before.map((n) => n + 1),
    );
    reactor.stop();
    assert.deepEqual(
      SHUTDOWN_SIGNALS.map((signal) => process.listenerCount(signal)),
      before,
      "removed while still stopping",
    );
    release();
    await within(stopped, 2000, "run()");
  });

  it("removes its listeners when it crashes", async (t) => {
    const { reactor } = makeReactor(t, { installSignalHandlers: true });
    const before = process.listenerCount("SIGINT");
    const stopped = reactor.run();
    reactor.crash();
    await within(stopped, 2000, "run()");
    assert.equal(process.listenerCount("SIGINT"), before);
  });

  it("ignores signals when installSignalHandlers is false", async (t) => {
    const { reactor } = makeReactor(t, { installSignalHandlers: false });
    const before = process.listenerCount("SIGINT");
    const stopped = reactor.run();
    assert.equal(process.listenerCount("SIGINT"), before);
    if (before === 0) process.emit("SIGINT", "SIGINT");
    assert.equal(reactor.running, true);
    reactor.stop();
    await within(stopped, 2000, "run()");
  });

  it("stops only the reactors that are running when several listen", async (t) => {
    const a = makeReactor(t, { installSignalHandlers: true }).reactor;
    const b = makeReactor(t, { installSignalHandlers: true }).reactor;
    const stoppedA = a.run();
    const stoppedB = b.run();
    b.stop();
    await within(stoppedB, 2000, "reactor B");
    process.emit("SIGTERM", "SIGTERM");
    await within(stoppedA, 2000, "reactor A");
    assert.equal(a.running, false);
  });
});
