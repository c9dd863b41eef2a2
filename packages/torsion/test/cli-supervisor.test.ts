import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Clock } from "@torsion/testing";
import { BufferingObserver, Logger, LogPublisher } from "@torsion/logger";
import { WorkerSupervisor, type WorkerHandle } from "../dist/cli/worker-supervisor.js";

/** A worker the test drives: it becomes ready or exits when told to. */
class FakeWorker implements WorkerHandle {
  static nextPid = 1000;
  readonly pid = FakeWorker.nextPid++;
  readonly signals: NodeJS.Signals[] = [];
  readonly #ready: (() => void)[] = [];
  readonly #exit: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
  on(event: "ready" | "exit", listener: (...args: never[]) => void): void {
    if (event === "ready") this.#ready.push(listener);
    else this.#exit.push(listener as (code: number | null, signal: NodeJS.Signals | null) => void);
  }
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
  }
  becomeReady(): void {
    for (const l of this.#ready) l();
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    for (const l of this.#exit) l(code, signal);
  }
}

function supervisor(
  count: number,
  onFatal?: (code: number) => void,
): { sup: WorkerSupervisor; workers: FakeWorker[]; clock: Clock; log: BufferingObserver } {
  const workers: FakeWorker[] = [];
  const clock = new Clock();
  const publisher = new LogPublisher();
  const log = new BufferingObserver();
  publisher.addObserver(log.observer);
  const sup = new WorkerSupervisor({
    count,
    clock,
    log: new Logger({ namespace: "test", publisher }),
    retryPolicy: (failures) => failures,
    fork: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    ...(onFatal === undefined ? {} : { onFatal }),
  });
  return { sup, workers, clock, log };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("WorkerSupervisor", () => {
  it("forks the workers at start", () => {
    const { sup, workers } = supervisor(3);
    sup.start();
    assert.equal(workers.length, 3);
    assert.deepEqual(
      sup.pids,
      workers.map((w) => w.pid),
    );
  });

  it("restarts a crashed worker after the retry policy's delay, backing off while crashes continue", () => {
    const { sup, workers, clock } = supervisor(1);
    sup.start();
    workers[0]!.becomeReady();
    workers[0]!.exit(null, "SIGKILL");
    clock.advance(0.99);
    assert.equal(workers.length, 1, "not before the first delay (1 s)");
    clock.advance(0.01);
    assert.equal(workers.length, 2);
    workers[1]!.exit(1);
    clock.advance(1.99);
    assert.equal(workers.length, 2, "the second consecutive crash waits 2 s");
    clock.advance(0.01);
    assert.equal(workers.length, 3);
    workers[2]!.becomeReady();
    workers[2]!.exit(null, "SIGSEGV");
    clock.advance(1);
    assert.equal(workers.length, 4, "a ready worker resets the count of consecutive crashes");
  });

  it("gives up with the worker's exit code when the first workers fail before ever being ready", () => {
    const codes: number[] = [];
    const { sup, workers, clock } = supervisor(2, (code) => codes.push(code));
    sup.start();
    workers[0]!.exit(69);
    clock.advance(100);
    assert.deepEqual(codes, [69]);
    assert.equal(workers.length, 2, "nothing was restarted");
  });

  it("stops every worker with SIGTERM and fires once all have exited, cancelling pending restarts", () => {
    const { sup, workers, clock } = supervisor(2);
    sup.start();
    for (const w of workers) w.becomeReady();
    workers[0]!.exit(null, "SIGKILL");
    const stopped = sup.stop();
    clock.advance(10);
    assert.equal(workers.length, 2, "the pending restart was cancelled");
    assert.deepEqual(workers[1]!.signals, ["SIGTERM"]);
    assert.equal(stopped.called, false);
    workers[1]!.exit(0);
    assert.equal(stopped.called, true);
    assert.equal(sup.stop(), stopped, "stopping twice gives the same Deferred");
  });

  it("rolls the workers one by one: each old one is stopped only once its replacement is ready", async () => {
    const { sup, workers } = supervisor(2);
    sup.start();
    for (const w of workers) w.becomeReady();
    const [a, b] = workers as [FakeWorker, FakeWorker];
    const done = sup.roll();
    assert.equal(workers.length, 3, "one replacement at a time");
    assert.deepEqual(a.signals, []);
    workers[2]!.becomeReady();
    await turn();
    assert.deepEqual(a.signals, ["SIGTERM"]);
    assert.equal(workers.length, 3, "the next replacement waits for the old worker to exit");
    a.exit(0);
    await turn();
    assert.equal(workers.length, 4);
    workers[3]!.becomeReady();
    await turn();
    assert.deepEqual(b.signals, ["SIGTERM"]);
    b.exit(0);
    await done;
    assert.deepEqual(sup.pids, [workers[2]!.pid, workers[3]!.pid]);
  });

  it("announces each step of a roll, so an observer can follow it: ready, retired, done", async () => {
    const { sup, workers, log } = supervisor(1);
    sup.start();
    workers[0]!.becomeReady();
    const done = sup.roll();
    workers[1]!.becomeReady();
    await turn();
    workers[0]!.exit(0);
    await done;
    const steps = log.events.map((e) => (typeof e.fields.pid === "number" ? `${e.format} ${e.fields.pid}` : e.format));
    assert.deepEqual(steps, [
      `worker {pid} ready ${workers[0]!.pid}`,
      "reloading {count} workers one by one",
      `worker {pid} ready ${workers[1]!.pid}`,
      `worker {pid} retired ${workers[0]!.pid}`,
      "reload done",
    ]);
  });
});
