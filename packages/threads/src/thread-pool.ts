import { availableParallelism } from "node:os";
import type { MessagePort } from "node:worker_threads";
import type { TransferListItem } from "./task.js";
import createDebug from "debug";
import { Deferred, Failure, reportError as reportToProcess } from "@torsion/defer";
import { ReactorNotRunning } from "@torsion/core";
import { PoolStopped, UnknownMainThreadFunction, WorkerCrashed } from "./errors.js";
import { mainThreadFunction } from "./main-thread-functions.js";
import {
  isPrimitiveMessage,
  type BlockingReply,
  type CompactRunMessage,
  type PrimitiveMessage,
  type ToWorkerMessage,
  type ErrorMessage,
  type ResultMessage,
  type RunMessage,
  type WorkerMessage,
} from "./messages.js";
import { rebuildError, serializeError } from "./remote-error.js";
import { moduleKey, unwrapArgs, type TaskArgsOf, type TaskHandle, type TaskRef } from "./task.js";
import { nodeWorkerFactory, type IPoolWorker, type WorkerFactory, type WorkerOptions } from "./worker-factory.js";

const debug = createDebug("torsion:threads:pool");

/** How long a retired worker may take to run its close hooks before it is terminated. */
const RETIRE_TIMEOUT_MS = 5000;

/** Options of {@link ThreadPool}. */
export interface ThreadPoolOptions extends WorkerOptions {
  /** Workers kept alive once started (they are started on first use, not before). @default 0 */
  readonly min?: number;
  /** At most this many workers run at once. @default os.availableParallelism() */
  readonly max?: number;
  /** Seconds an idle worker beyond `min` lives before it is retired. @default 10 */
  readonly idleTimeout?: number;
  /** Makes the workers (tests inject fakes). @default real `node:worker_threads` Workers */
  readonly workerFactory?: WorkerFactory;
  /** Receives errors nobody else can (a failing `callFromThread` function). @default the process-wide reporter */
  readonly reportError?: (error: unknown, context: string) => void;
  /** A name for log lines. */
  readonly name?: string;
}

/** Options of one {@link ThreadPool.run} call. */
export interface RunOptions {
  /** Extra transferables to move (rather than copy) with the arguments. */
  readonly transfer?: readonly TransferListItem[];
  /**
   * What `cancel()` does to a task already running: `"abandon"` (the default) errbacks
   * at once and discards the eventual result (the worker finishes the task); `"terminate"`
   * also terminates the worker (losing its module state) and replaces it on demand. A
   * queued task is always simply removed.
   * @default "abandon"
   */
  readonly cancel?: "abandon" | "terminate";
}

/** A snapshot of a pool (Twisted's `workers`, `working`, `waiters`, plus the queue). */
export interface ThreadPoolStats {
  readonly min: number;
  readonly max: number;
  /** Live workers. */
  readonly workers: number;
  /** Workers running a task. */
  readonly working: number;
  /** Idle workers. */
  readonly idle: number;
  /** Tasks waiting for a worker. */
  readonly queued: number;
  /** Tasks finished (successfully or not) so far. */
  readonly completed: number;
  /** Workers that died while running a task. */
  readonly crashed: number;
  readonly stopped: boolean;
}

type JobState = "queued" | "running" | "settled";

interface Job {
  readonly id: number;
  readonly task: number;
  readonly module: string;
  readonly export: string;
  readonly args: unknown[];
  readonly transfer: TransferListItem[];
  readonly cancelMode: "abandon" | "terminate";
  readonly deferred: Deferred<unknown>;
  state: JobState;
  slot: Slot | null;
}

interface Slot {
  readonly worker: IPoolWorker;
  /** Task numbers this worker has already been told the module and export of. */
  readonly known: Set<number>;
  /** The task of the last RunMessage this worker got (0: none), which a CompactRunMessage repeats. */
  lastTask: number;
  job: Job | null;
  idleTimer: NodeJS.Timeout | null;
  lastError: Error | null;
  terminating: boolean;
  /** Why this worker is being terminated, for its running job. */
  terminationReason: Error | null;
}

interface PendingBlockingCall {
  reply(answer: BlockingReply): void;
}

const taskNumbers = new Map<string, number>();

/** A task reference resolved once: its canonical module, export and number. */
interface ResolvedTask {
  readonly module: string;
  readonly export: string;
  readonly number: number;
}

/** Frozen task handles (what `defineTask` returns) resolved once, not on every call. */
const resolvedHandles = new WeakMap<TaskRef, ResolvedTask>();

function resolveTaskRef(task: TaskRef): ResolvedTask {
  const cached = resolvedHandles.get(task);
  if (cached !== undefined) return cached;
  const module = moduleKey(task.module);
  const resolved: ResolvedTask = { module, export: task.export, number: taskNumber(module, task.export) };
  // Only a frozen reference cannot change under the cache.
  if (Object.isFrozen(task)) resolvedHandles.set(task, resolved);
  return resolved;
}

/** A small number standing for a task (module and export) in messages after the first. */
function taskNumber(module: string, name: string): number {
  const key = `${module}#${name}`;
  let number = taskNumbers.get(key);
  if (number === undefined) {
    number = taskNumbers.size + 1;
    taskNumbers.set(key, number);
  }
  return number;
}

function checkCount(name: string, value: number, least: number): number {
  if (!Number.isInteger(value) || value < least) throw new RangeError(`${name} must be an integer >= ${least}, got ${String(value)}`);
  return value;
}

/**
 * A pool of `node:worker_threads` workers running named tasks (Twisted's `ThreadPool`,
 * adapted to isolates: tasks are importable code, arguments and results are structured
 * clones).
 *
 * - **FIFO**: tasks start in submission order; workers start on demand up to `max`.
 * - **Idle workers never hold the process**: a worker is `ref`ed only while it runs a
 *   task; workers beyond `min` are retired after `idleTimeout` seconds idle.
 * - **A crash fails only its task**: an uncaught exception or `process.exit` in a worker
 *   errbacks its task with {@link WorkerCrashed}; the worker is replaced on demand.
 * - **stop()**: queued tasks errback with {@link PoolStopped}, running ones get a grace
 *   period and are then terminated (errback `PoolStopped`); later submissions errback
 *   `PoolStopped` too (Twisted drops them silently). Pending and later
 *   `blockingCallFromThread`s fail at once with `ReactorNotRunning`.
 * - **Cancellation**: cancelling a queued task removes it; a running one see
 *   {@link RunOptions.cancel}.
 */
export class ThreadPool {
  readonly #factory: WorkerFactory;
  readonly #workerOptions: WorkerOptions;
  readonly #report: (error: unknown, context: string) => void;
  readonly #name: string;
  readonly #idleTimeoutMs: number;
  /** Whether the workers are Torsion's own (`nodeWorkerFactory`), which understand CompactRunMessages. */
  readonly #compact: boolean;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  readonly #blocking = new Set<PendingBlockingCall>();
  #min: number;
  #max: number;
  #nextId = 1;
  #completed = 0;
  #crashed = 0;
  #stopping = false;
  #stopped: Promise<void> | null = null;
  #resolveStopped: (() => void) | null = null;

  /** @throws RangeError for a negative or non-integer `min`/`max`, `max` < 1, `min` > `max`, or a negative `idleTimeout` */
  constructor(options: ThreadPoolOptions = {}) {
    this.#min = checkCount("min", options.min ?? 0, 0);
    this.#max = checkCount("max", options.max ?? Math.max(1, availableParallelism()), 1);
    if (this.#min > this.#max) throw new RangeError(`min (${this.#min}) must not exceed max (${this.#max})`);
    const idleTimeout = options.idleTimeout ?? 10;
    if (!(idleTimeout >= 0) || !Number.isFinite(idleTimeout)) throw new RangeError("idleTimeout must be a finite number >= 0");
    this.#idleTimeoutMs = Math.ceil(idleTimeout * 1000);
    this.#factory = options.workerFactory ?? nodeWorkerFactory;
    this.#compact = this.#factory === nodeWorkerFactory;
    this.#workerOptions = {
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      ...(options.execArgv === undefined ? {} : { execArgv: options.execArgv }),
    };
    this.#report = options.reportError ?? reportToProcess;
    this.#name = options.name ?? "pool";
  }

  /**
   * Runs `task(...args)` in a worker; the Deferred fires with its result (a returned
   * promise is awaited in the worker) or errbacks with its error rebuilt (see
   * `registerErrorClass`), {@link WorkerCrashed} or {@link PoolStopped}.
   */
  run<A extends unknown[], R>(task: TaskHandle<A, R>, args: TaskArgsOf<A>, options?: RunOptions): Deferred<R>;
  run(task: TaskRef, args: readonly unknown[], options?: RunOptions): Deferred<unknown>;
  run(task: TaskRef, args: readonly unknown[], options: RunOptions = {}): Deferred<unknown> {
    // `as unknown`: callers in plain JavaScript may pass anything.
    if (
      typeof (task as unknown) !== "object" ||
      (task as unknown) === null ||
      typeof (task.export as unknown) !== "string" ||
      (typeof task.module !== "string" && !(task.module instanceof URL))
    ) {
      throw new TypeError("a task is {module, export} or a defineTask handle");
    }
    const { args: plain, list } = unwrapArgs(args);
    const resolved = resolveTaskRef(task);
    const job: Job = {
      id: this.#nextId++,
      task: resolved.number,
      module: resolved.module,
      export: resolved.export,
      args: plain,
      transfer: options.transfer === undefined ? list : [...list, ...options.transfer],
      cancelMode: options.cancel ?? "abandon",
      deferred: new Deferred<unknown>(() => this.#cancel(job)),
      state: "queued",
      slot: null,
    };
    if (this.#stopping) {
      job.state = "settled";
      job.deferred.errback(new PoolStopped("The thread pool has been stopped; the task was not run."));
      return job.deferred;
    }
    this.#queue.push(job);
    this.#dispatch();
    return job.deferred;
  }

  /** Runs the task and ignores its result; a failure is reported (Twisted's `callInThread`). */
  callInThread(task: TaskRef, ...args: unknown[]): void {
    this.run(task, args).addErrback((failure: Failure) => {
      this.#report(failure, `Unhandled error in task ${task.export} (${this.#name})`);
    });
  }

  /**
   * Runs the task and calls `onResult(true, result)` or `onResult(false, failure)` — on
   * the **main thread**, unlike Twisted (where it runs in the worker thread).
   */
  callInThreadWithCallback(onResult: (success: boolean, result: unknown) => void, task: TaskRef, ...args: unknown[]): void {
    this.run(task, args)
      .addCallbacks(
        (value) => {
          onResult(true, value);
        },
        (failure: Failure) => {
          onResult(false, failure);
        },
      )
      .addErrback((failure: Failure) => {
        this.#report(failure, `Unhandled error in the onResult callback of task ${task.export}`);
      });
  }

  /**
   * Changes the bounds (Twisted's `adjustPoolsize`): more tasks may start at once;
   * surplus idle workers are retired.
   *
   * @throws RangeError as the constructor does
   */
  adjustPoolsize(min: number = this.#min, max: number = this.#max): void {
    checkCount("min", min, 0);
    checkCount("max", max, 1);
    if (min > max) throw new RangeError(`min (${min}) must not exceed max (${max})`);
    this.#min = min;
    this.#max = max;
    let surplus = this.#slots.size - max;
    for (const slot of this.#slots) {
      if (surplus <= 0) break;
      if (slot.job === null && !slot.terminating) {
        this.#retire(slot);
        surplus -= 1;
      }
    }
    this.#dispatch();
  }

  /** A snapshot of the pool's state. */
  stats(): ThreadPoolStats {
    let working = 0;
    let idle = 0;
    for (const slot of this.#slots) {
      if (slot.terminating) continue;
      if (slot.job !== null) working += 1;
      else idle += 1;
    }
    return {
      min: this.#min,
      max: this.#max,
      workers: working + idle,
      working,
      idle,
      queued: this.#queue.length,
      completed: this.#completed,
      crashed: this.#crashed,
      stopped: this.#stopping,
    };
  }

  /** Whether `stop()` has been called. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /**
   * Stops the pool (see the class description): queued tasks fail with `PoolStopped`,
   * running tasks get `graceSeconds` to finish, then their workers are terminated.
   * Resolves once every worker has exited; idempotent (returns the same promise).
   */
  stop(graceSeconds = 10): Promise<void> {
    if (this.#stopped !== null) return this.#stopped;
    this.#stopping = true;
    debug("%s: stopping (%d queued, %d workers)", this.#name, this.#queue.length, this.#slots.size);
    this.#stopped = new Promise<void>((resolve) => {
      this.#resolveStopped = resolve;
    });
    for (const call of [...this.#blocking])
      call.reply({ ok: false, error: serializeError(new ReactorNotRunning("The reactor is shutting down.")) });
    for (const job of this.#queue.splice(0)) this.#settle(job, false, new PoolStopped("The thread pool was stopped before the task ran."));
    for (const slot of this.#slots) if (slot.job === null) this.#retire(slot);
    const timer = setTimeout(
      () => {
        for (const slot of this.#slots) {
          if (slot.job !== null)
            this.#terminate(slot, new PoolStopped(`The task was still running ${graceSeconds} s after stop(); its worker was terminated.`));
        }
      },
      Math.ceil(graceSeconds * 1000),
    );
    this.#stopped = this.#stopped.finally(() => clearTimeout(timer));
    this.#checkStopped();
    return this.#stopped;
  }

  // ---- scheduling ----------------------------------------------------------------------

  #dispatch(): void {
    if (this.#stopping) return;
    while (this.#queue.length > 0) {
      let slot = this.#idleSlot();
      if (slot === null) {
        if (this.#liveCount() >= this.#max) return;
        slot = this.#spawn();
        if (slot === null) return;
      }
      const job = this.#queue.shift();
      if (job === undefined) return;
      this.#assign(slot, job);
    }
    while (this.#liveCount() < this.#min) {
      const slot = this.#spawn();
      if (slot === null) return;
      this.#makeIdle(slot);
    }
  }

  #idleSlot(): Slot | null {
    for (const slot of this.#slots) if (slot.job === null && !slot.terminating) return slot;
    return null;
  }

  #liveCount(): number {
    let count = 0;
    for (const slot of this.#slots) if (!slot.terminating) count += 1;
    return count;
  }

  #spawn(): Slot | null {
    let worker: IPoolWorker;
    try {
      worker = this.#factory(this.#workerOptions);
    } catch (error) {
      const job = this.#queue.shift();
      const crash = new WorkerCrashed("could not start a worker", null, { cause: error });
      if (job !== undefined) this.#settle(job, false, crash);
      else this.#report(crash, `starting a worker (${this.#name})`);
      return null;
    }
    const slot: Slot = {
      worker,
      known: new Set(),
      lastTask: 0,
      job: null,
      idleTimer: null,
      lastError: null,
      terminating: false,
      terminationReason: null,
    };
    this.#slots.add(slot);
    worker.on("message", (message: WorkerMessage) => this.#onMessage(slot, message));
    worker.on("error", (error: Error) => {
      slot.lastError = error;
    });
    worker.on("exit", (code: number) => this.#onExit(slot, code));
    debug("%s: started worker %d", this.#name, this.#slots.size);
    return slot;
  }

  #assign(slot: Slot, job: Job): void {
    if (slot.idleTimer !== null) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    slot.job = job;
    job.slot = slot;
    job.state = "running";
    slot.worker.ref();
    try {
      if (!slot.known.has(job.task)) {
        slot.worker.postMessage({ t: "define", task: job.task, module: job.module, export: job.export });
        slot.known.add(job.task);
      }
      const args = job.args;
      if (this.#compact && slot.lastTask === job.task && args.length === 1 && job.transfer.length === 0 && isPrimitiveMessage(args[0])) {
        // The same task again with one primitive argument: a CompactRunMessage, which only
        // Torsion's own workers understand (so IPoolWorker's type does not list it).
        const compact: CompactRunMessage = args[0];
        slot.worker.postMessage(compact as unknown as ToWorkerMessage);
      } else {
        const message: RunMessage = [job.id, job.task, ...args];
        if (job.transfer.length === 0) slot.worker.postMessage(message);
        else slot.worker.postMessage(message, job.transfer);
        slot.lastTask = job.task;
      }
    } catch (error) {
      slot.job = null;
      this.#settle(job, false, error);
      this.#makeIdle(slot);
    }
  }

  #makeIdle(slot: Slot): void {
    slot.job = null;
    slot.worker.unref();
    if (this.#stopping) {
      this.#retire(slot);
      return;
    }
    if (this.#liveCount() > this.#min) {
      slot.idleTimer = setTimeout(() => this.#retire(slot), this.#idleTimeoutMs);
      slot.idleTimer.unref();
    }
  }

  #retire(slot: Slot): void {
    if (slot.idleTimer !== null) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    if (slot.terminating) return;
    slot.terminating = true;
    debug("%s: retiring an idle worker", this.#name);
    // Gracefully (its close hooks run, e.g. closing a database), terminated if that hangs.
    try {
      slot.worker.postMessage({ t: "close" });
    } catch {
      void slot.worker.terminate().catch(() => undefined);
      return;
    }
    const timer = setTimeout(() => void slot.worker.terminate().catch(() => undefined), RETIRE_TIMEOUT_MS);
    timer.unref();
    slot.worker.on("exit", () => clearTimeout(timer));
  }

  #terminate(slot: Slot, reason: Error): void {
    slot.terminationReason = reason;
    slot.terminating = true;
    void slot.worker.terminate().catch(() => undefined);
  }

  #cancel(job: Job): void {
    if (job.state === "queued") {
      const index = this.#queue.indexOf(job);
      if (index >= 0) this.#queue.splice(index, 1);
      job.state = "settled";
      return;
    }
    if (job.state !== "running") return;
    job.state = "settled";
    const slot = job.slot;
    if (job.cancelMode === "terminate" && slot !== null && slot.job === job) {
      debug("%s: terminating the worker of cancelled task %d", this.#name, job.id);
      slot.job = null;
      this.#terminate(slot, new PoolStopped("cancelled"));
      this.#dispatch();
    }
  }

  #settle(job: Job, ok: boolean, value: unknown): void {
    if (job.state === "settled") return;
    job.state = "settled";
    this.#completed += 1;
    if (ok) job.deferred.callback(value);
    else job.deferred.errback(value);
  }

  // ---- worker events ---------------------------------------------------------------------

  #onMessage(slot: Slot, message: WorkerMessage): void {
    if (isPrimitiveMessage(message)) {
      // A CompactResultMessage: the result of the one task this worker runs.
      const job = slot.job;
      if (job !== null) this.#finished(slot, job, true, message);
      return;
    }
    if (Array.isArray(message)) {
      this.#onOutcome(slot, message as ResultMessage | ErrorMessage);
      return;
    }
    const call = message as Exclude<WorkerMessage, readonly unknown[] | PrimitiveMessage>;
    switch (call.t) {
      case "call":
        this.#onCall(call.name, call.args);
        return;
      case "blocking":
        this.#onBlocking(call.name, call.args, call.flag, call.port);
        return;
      default:
        debug("%s: unknown message from a worker", this.#name);
    }
  }

  /** A task's result (`[id, value]`) or error (`[id, error, 0]`); id 0 is the running task's. */
  #onOutcome(slot: Slot, message: ResultMessage | ErrorMessage): void {
    const job = slot.job;
    if (job === null || (message[0] !== 0 && job.id !== message[0])) return;
    if (message.length === 2) this.#finished(slot, job, true, message[1]);
    else this.#finished(slot, job, false, rebuildError(message[1]));
  }

  /** Settles the job `slot` was running and makes the worker idle (or gives it the next task). */
  #finished(slot: Slot, job: Job, ok: boolean, value: unknown): void {
    this.#settle(job, ok, value);
    if (slot.terminating) return;
    this.#makeIdle(slot);
    if (this.#queue.length > 0 || this.#liveCount() < this.#min) this.#dispatch();
    this.#checkStopped();
  }

  #onExit(slot: Slot, code: number): void {
    this.#slots.delete(slot);
    if (slot.idleTimer !== null) clearTimeout(slot.idleTimer);
    const job = slot.job;
    slot.job = null;
    if (job !== null && job.state === "running") {
      if (slot.terminationReason !== null) {
        this.#settle(job, false, slot.terminationReason);
      } else {
        this.#crashed += 1;
        const cause = slot.lastError;
        const message =
          cause !== null
            ? `the worker running ${job.export} crashed: ${cause.message}`
            : `the worker running ${job.export} exited with code ${code}`;
        this.#settle(job, false, new WorkerCrashed(message, code, cause === null ? undefined : { cause }));
      }
    } else if (!slot.terminating) {
      debug("%s: an idle worker exited with code %d", this.#name, code);
    }
    this.#dispatch();
    this.#checkStopped();
  }

  #checkStopped(): void {
    if (!this.#stopping || this.#slots.size > 0 || this.#resolveStopped === null) return;
    const resolve = this.#resolveStopped;
    this.#resolveStopped = null;
    debug("%s: stopped", this.#name);
    resolve();
  }

  // ---- calls from workers -----------------------------------------------------------------

  #onCall(name: string, args: unknown[]): void {
    const fn = mainThreadFunction(name);
    setImmediate(() => {
      if (fn === undefined) {
        this.#report(new UnknownMainThreadFunction(`no main-thread function registered as ${JSON.stringify(name)}`), "callFromThread");
        return;
      }
      try {
        const result = (fn as (...a: unknown[]) => unknown)(...args);
        if (result instanceof Deferred) result.addErrback((failure: Failure) => this.#report(failure, `callFromThread(${name})`));
        else if (result instanceof Promise) result.catch((error: unknown) => this.#report(error, `callFromThread(${name})`));
      } catch (error) {
        this.#report(error, `callFromThread(${JSON.stringify(name)})`);
      }
    });
  }

  #onBlocking(name: string, args: unknown[], flag: Int32Array, port: MessagePort): void {
    let done = false;
    const call: PendingBlockingCall = {
      reply: (answer) => {
        if (done) return;
        done = true;
        this.#blocking.delete(call);
        try {
          port.postMessage(answer);
        } catch (error) {
          port.postMessage({ ok: false, error: serializeError(error) } satisfies BlockingReply);
        }
        port.close();
        Atomics.store(flag, 0, 1);
        Atomics.notify(flag, 0);
      },
    };
    const fail = (error: unknown): void => call.reply({ ok: false, error: serializeError(error instanceof Failure ? error.value : error) });
    if (this.#stopping) {
      fail(new ReactorNotRunning("The reactor is shutting down."));
      return;
    }
    const fn = mainThreadFunction(name);
    if (fn === undefined) {
      fail(new UnknownMainThreadFunction(`no main-thread function registered as ${JSON.stringify(name)}`));
      return;
    }
    this.#blocking.add(call);
    try {
      const result = (fn as (...a: unknown[]) => unknown)(...args);
      if (result instanceof Deferred || result instanceof Promise) {
        Promise.resolve(result).then((value: unknown) => call.reply({ ok: true, value }), fail);
      } else {
        call.reply({ ok: true, value: result });
      }
    } catch (error) {
      fail(error);
    }
  }
}
