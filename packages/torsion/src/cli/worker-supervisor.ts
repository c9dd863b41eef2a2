/**
 * The primary's side of `--workers N`: keeps N worker processes running, restarts a
 * crashed one after `backoffPolicy` delays, rolls them one by one on reload, and stops
 * them all gracefully. Written against {@link WorkerHandle} and a clock, so it runs over
 * `node:cluster` (`cluster-primary.ts`) and over fakes in the tests.
 */
import createDebug from "debug";
import type { IDelayedCall, IReactorTime } from "@torsion/core";
import { backoffPolicy, type RetryPolicy } from "@torsion/application";
import { Deferred, succeed } from "@torsion/defer";
import type { Logger } from "@torsion/logger";

const debug = createDebug("torsion:cli:worker-supervisor");

/** One worker process, as the supervisor sees it. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  /** Sends a signal (SIGTERM: stop gracefully). */
  kill(signal: NodeJS.Signals): void;
  /** `ready` once the worker's service started; `exit` once the process ended. */
  on(event: "ready", listener: () => void): void;
  on(event: "exit", listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
}

/** What {@link WorkerSupervisor} needs. */
export interface WorkerSupervisorOptions {
  readonly count: number;
  readonly fork: () => WorkerHandle;
  readonly clock: IReactorTime;
  readonly log: Logger;
  /** Delay before restarting after the nth consecutive crash. @default backoffPolicy({initialDelay: 0.1, maxDelay: 10}) with up to 0.1 s of jitter */
  readonly retryPolicy?: RetryPolicy;
  /** Called when the workers cannot start at all (the first ones exit before ever being ready). */
  readonly onFatal?: (code: number) => void;
}

interface Slot {
  worker: WorkerHandle;
  ready: boolean;
  retiring: boolean;
  readonly readyWaiters: (() => void)[];
  readonly exited: Deferred<null>;
}

export class WorkerSupervisor {
  readonly #options: WorkerSupervisorOptions;
  readonly #policy: RetryPolicy;
  readonly #slots = new Set<Slot>();
  #failures = 0;
  #everReady = false;
  #stopping: Deferred<null> | null = null;
  #rolling = false;
  readonly #restarts = new Set<IDelayedCall>();

  constructor(options: WorkerSupervisorOptions) {
    this.#options = options;
    this.#policy = options.retryPolicy ?? backoffPolicy({ initialDelay: 0.1, maxDelay: 10, jitter: () => Math.random() * 0.1 });
  }

  /** The pids of the live workers. */
  get pids(): number[] {
    return [...this.#slots].map((s) => s.worker.pid).filter((p): p is number => p !== undefined);
  }

  /** Forks the workers. */
  start(): void {
    for (let i = 0; i < this.#options.count; i++) this.#spawn();
  }

  #spawn(): Slot {
    const worker = this.#options.fork();
    const slot: Slot = { worker, ready: false, retiring: false, readyWaiters: [], exited: new Deferred<null>() };
    this.#slots.add(slot);
    worker.on("ready", () => this.#onReady(slot));
    worker.on("exit", (code, signal) => this.#onExit(slot, code, signal));
    debug("forked worker %s", worker.pid);
    return slot;
  }

  #onReady(slot: Slot): void {
    slot.ready = true;
    this.#everReady = true;
    this.#failures = 0;
    this.#options.log.info("worker {pid} ready", { pid: slot.worker.pid });
    for (const wake of slot.readyWaiters.splice(0)) wake();
  }

  #onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    this.#slots.delete(slot);
    slot.exited.callback(null);
    for (const wake of slot.readyWaiters.splice(0)) wake();
    if (slot.retiring) this.#options.log.info("worker {pid} retired", { pid: slot.worker.pid });
    if (this.#stopping !== null || slot.retiring) return;
    const status = signal ?? `exit code ${String(code)}`;
    if (!this.#everReady && code !== null && code !== 0) {
      this.#options.log.critical("worker {pid} failed before it was ready ({status}); giving up", { pid: slot.worker.pid, status });
      this.#options.onFatal?.(code);
      return;
    }
    this.#failures++;
    const delay = this.#policy(this.#failures);
    this.#options.log.warn("worker {pid} died ({status}); restarting in {delay} s", {
      pid: slot.worker.pid,
      status,
      delay: delay.toFixed(2),
    });
    const call = this.#options.clock.callLater(delay, () => {
      this.#restarts.delete(call);
      if (this.#stopping === null) this.#spawn();
    });
    this.#restarts.add(call);
  }

  /**
   * Replaces every worker, one at a time: a new worker is forked and, once it is ready,
   * the old one is stopped gracefully (SIGTERM) and waited for. Ports stay open
   * throughout (the primary holds them), so no connection is refused. A reload during a
   * reload is ignored. Fires when done.
   */
  async roll(): Promise<void> {
    if (this.#rolling || this.#stopping !== null) return;
    this.#rolling = true;
    this.#options.log.info("reloading {count} workers one by one", { count: this.#slots.size });
    try {
      for (const old of [...this.#slots]) {
        if (this.#isStopping()) break;
        const fresh = this.#spawn();
        await new Promise<void>((resolve) => (fresh.ready || !this.#slots.has(fresh) ? resolve() : fresh.readyWaiters.push(resolve)));
        if (!fresh.ready) break;
        old.retiring = true;
        old.worker.kill("SIGTERM");
        await old.exited;
      }
    } finally {
      this.#rolling = false;
    }
    this.#options.log.info("reload done", {});
  }

  #isStopping(): boolean {
    return this.#stopping !== null;
  }

  /** Stops every worker gracefully (SIGTERM; each flushes its connections) and fires when all have exited. */
  stop(): Deferred<null> {
    if (this.#stopping !== null) return this.#stopping;
    for (const call of this.#restarts) call.cancel();
    this.#restarts.clear();
    const slots = [...this.#slots];
    const stopping = (this.#stopping = slots.length === 0 ? succeed(null) : new Deferred<null>());
    let left = slots.length;
    for (const slot of slots) {
      slot.exited.addCallback(() => {
        if (--left === 0) stopping.callback(null);
        return null;
      });
      slot.worker.kill("SIGTERM");
    }
    return stopping;
  }
}
