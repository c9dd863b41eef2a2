import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { ProcessDone, ProcessTerminated, type IPushProducer } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { ProcessProtocol } from "@torsion/process";
import { CHILD, Recorder, contractViolation, testReactor } from "./helpers.js";

/** Streams `total` random bytes into the child's stdin as a push producer, and hashes the echo. */
class CatPump extends ProcessProtocol implements IPushProducer {
  readonly sent = createHash("sha256");
  readonly received = createHash("sha256");
  receivedBytes = 0;
  pauses = 0;
  outputPauses = 0;
  #left: number;
  #paused = false;
  #writing = false;
  readonly ended: Promise<Failure>;
  #resolve!: (reason: Failure) => void;

  constructor(total: number) {
    super();
    this.#left = total;
    this.ended = new Promise((resolve) => (this.#resolve = resolve));
  }

  override connectionMade(): void {
    this.transport!.registerProducer(this, true);
    this.#pump();
  }

  pauseProducing(): void {
    this.pauses += 1;
    this.#paused = true;
  }

  resumeProducing(): void {
    this.#paused = false;
    this.#pump();
  }

  stopProducing(): void {
    this.#left = 0;
  }

  #pump(): void {
    if (this.#writing) return;
    this.#writing = true;
    while (!this.#paused && this.#left > 0) {
      const chunk = randomBytes(Math.min(this.#left, 1 + Math.floor(Math.random() * 65536)));
      this.#left -= chunk.length;
      this.sent.update(chunk);
      this.transport!.write(chunk);
    }
    this.#writing = false;
    if (this.#left === 0 && !this.#paused) {
      this.transport!.unregisterProducer();
      this.transport!.closeStdin();
    }
  }

  override outReceived(data: Buffer): void {
    this.received.update(data);
    this.receivedBytes += data.length;
    // Throttle the output side too: pause reading now and then.
    if (this.receivedBytes % 7 === 0) {
      this.outputPauses += 1;
      this.transport!.pauseProducing();
      setTimeout(() => this.transport!.resumeProducing(), 1);
    }
  }

  override processEnded(reason: Failure): void {
    this.#resolve(reason);
  }
}

describe("processes under load", () => {
  it("moves 10 MiB through cat byte-exact, pausing the producer when stdin is full", { timeout: 60_000 }, async () => {
    const { reactor, errors } = testReactor();
    const total = 10 * 1024 * 1024;
    const pump = new CatPump(total);
    reactor.spawnProcess(pump, "cat", ["cat"]);
    const reason = await pump.ended;
    assert.ok(reason.value instanceof ProcessDone, String(reason));
    assert.equal(pump.receivedBytes, total);
    assert.equal(pump.received.digest("hex"), pump.sent.digest("hex"));
    assert.ok(pump.pauses > 0, "the producer was never paused");
    assert.deepEqual(errors, []);
  });

  it("kills a child in the middle of a flood of output and still ends exactly once", { timeout: 20_000 }, async () => {
    const { reactor, errors } = testReactor();
    const recorder = new Recorder();
    let killed = false;
    recorder.outReceived = () => {
      if (!killed) {
        killed = true;
        recorder.transport!.signalProcess("KILL");
      }
    };
    reactor.spawnProcess(recorder, process.execPath, ["node", CHILD, "flood"]);
    const reason = (await recorder.ended).value as ProcessTerminated;
    assert.ok(reason instanceof ProcessTerminated);
    assert.equal(reason.signal, 9);
    assert.equal(contractViolation(recorder.events, [0, 1, 2]), null, recorder.shape().join(" "));
    assert.deepEqual(errors, []);
  });

  it("runs 200 concurrent short children, each ending once with its own exit code", { timeout: 60_000 }, async () => {
    const { reactor, errors } = testReactor();
    const recorders = Array.from({ length: 200 }, () => new Recorder());
    recorders.forEach((recorder, i) => reactor.spawnProcess(recorder, "sh", ["sh", "-c", `echo ${i}; exit ${i % 5}`]));
    const reasons = await Promise.all(recorders.map((recorder) => recorder.ended));
    reasons.forEach((reason, i) => {
      const value = reason.value as ProcessTerminated | ProcessDone;
      assert.equal(value.exitCode, i % 5);
      assert.equal(value instanceof ProcessDone, i % 5 === 0);
      assert.equal(recorders[i]!.output(1), `${i}\n`);
      assert.equal(contractViolation(recorders[i]!.events, [0, 1, 2]), null);
    });
    assert.deepEqual(errors, []);
  });
});
