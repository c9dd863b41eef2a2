import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProcessTerminated } from "@torsion/core";
import { CHILD, Recorder, contractViolation, testReactor } from "./helpers.js";

describe("children at reactor shutdown", () => {
  it("get SIGTERM when the reactor stops, and processEnded still fires before run() resolves", { timeout: 20_000 }, async () => {
    const { reactor, errors } = testReactor();
    const recorder = new Recorder();
    const running = reactor.run();
    reactor.spawnProcess(recorder, "sleep", ["sleep", "30"]);
    reactor.stop();
    await running;
    assert.ok(recorder.shape().includes("ended"), "processEnded did not fire before the reactor stopped");
    const reason = (await recorder.ended).value as ProcessTerminated;
    assert.equal(reason.signal, 15);
    assert.equal(contractViolation(recorder.events, [0, 1, 2]), null);
    assert.deepEqual(errors, []);
  });

  it("get SIGKILL after the grace period when they ignore SIGTERM", { timeout: 20_000 }, async () => {
    const { reactor, errors } = testReactor({ shutdownGraceSeconds: 0.3 });
    const recorder = new Recorder();
    const ready = new Promise<void>((resolve) => {
      recorder.outReceived = () => resolve();
    });
    const running = reactor.run();
    reactor.spawnProcess(recorder, process.execPath, ["node", CHILD, "ignore-term"]);
    await ready;
    reactor.stop();
    await running;
    const reason = (await recorder.ended).value as ProcessTerminated;
    assert.equal(reason.signal, 9);
    assert.deepEqual(errors, []);
  });

  it("are left running with onShutdown: 'leave', their pipes closed", { timeout: 20_000 }, async () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    const running = reactor.run();
    reactor.spawnProcess(recorder, "sh", ["sh", "-c", "cat >/dev/null; exit 7"], { onShutdown: "leave" });
    reactor.stop();
    await running;
    recorder.transport!.closeStdin();
    const reason = (await recorder.ended).value as ProcessTerminated;
    assert.equal(reason.exitCode, 7);
  });
});
