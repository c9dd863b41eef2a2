import createDebug from "debug";
import { Deferred, Failure, reportError } from "@torsion/defer";
import { NotPaused, TaskDone, TaskFailed, TaskStopped } from "./errors.js";
import type { SchedulerStopped, TaskFinished } from "./errors.js";

const debug = createDebug("torsion:protocols:cooperative-task");

/** What a task iterates: each `next()` is one unit of work. Yielding a Deferred or promise pauses the task until it settles. */
export type TaskIterator = Iterator<unknown>;

/** How a finished task ended: what later `pause()`/`stop()` calls throw. */
export type TaskCompletion = TaskFinished | SchedulerStopped;

/**
 * The scheduler side of a task: a `Cooperator` hands one to each task it creates. Not
 * for application code.
 */
export interface TaskHost {
  /** The task wants work (created, or resumed): queue it, or complete it if the host is stopped. */
  addTask(task: CooperativeTask, controls: TaskControls): void;
  /** The task paused or finished: unqueue it (it may already be unqueued), and forget it once finished. */
  removeTask(task: CooperativeTask): void;
}

/** What a host may do to a task. */
export interface TaskControls {
  /** Runs one `next()` of the iterator. */
  oneWorkUnit(): void;
  /** Finishes the task with `state`, firing `whenDone()` Deferreds with `result`. */
  completeWith(state: TaskCompletion, result: TaskIterator | Failure): void;
}

/**
 * A task inside a `Cooperator` (Twisted's `CooperativeTask`): an iterator that the
 * cooperator advances one `next()` at a time, round-robin with its other tasks. Create it
 * with `cooperator.cooperate(iterator)`.
 *
 * It finishes exactly once: when the iterator is done (`whenDone()` fires with the
 * iterator), when `next()` throws or a yielded Deferred/promise fails (`whenDone()` fails
 * with that error), when {@link stop} is called (fails with `TaskStopped`), or when the
 * cooperator stops (fails with `SchedulerStopped`).
 */
export class CooperativeTask {
  readonly #iterator: TaskIterator;
  readonly #host: TaskHost;
  readonly #controls: TaskControls;
  #waiting: Deferred<TaskIterator>[] = [];
  #pauseCount = 0;
  #completion: TaskCompletion | null = null;
  #result: TaskIterator | Failure | null = null;

  /** Registers with `host` at once. Use `Cooperator.cooperate` rather than calling this. */
  constructor(iterator: TaskIterator, host: TaskHost) {
    this.#iterator = iterator;
    this.#host = host;
    this.#controls = {
      oneWorkUnit: () => this.#oneWorkUnit(),
      completeWith: (state, result) => this.#completeWith(state, result),
    };
    host.addTask(this, this.#controls);
  }

  /** Whether the task has finished (done, failed or stopped). */
  get finished(): boolean {
    return this.#completion !== null;
  }

  /** How many `pause()` calls (including waits on yielded Deferreds) are unmatched. */
  get pauseCount(): number {
    return this.#pauseCount;
  }

  /**
   * A new Deferred that fires with the iterator when the task is done, or fails as
   * described on the class. Callable any number of times, also after the task finished
   * (the Deferred then has its result at once).
   */
  whenDone(): Deferred<TaskIterator> {
    const d = new Deferred<TaskIterator>();
    const result = this.#result;
    if (this.#completion === null || result === null) this.#waiting.push(d);
    else if (result instanceof Failure) d.errback(result);
    else d.callback(result);
    return d;
  }

  /**
   * Stops advancing the task until a matching {@link resume}. Counted.
   * @throws the `TaskFinished`/`SchedulerStopped` error if the task already finished
   */
  pause(): void {
    this.#checkFinish();
    this.#pauseCount++;
    if (this.#pauseCount === 1) this.#host.removeTask(this);
  }

  /**
   * Undoes one {@link pause}; the last one requeues the task (unless it finished meanwhile).
   * @throws NotPaused if the task is not paused
   */
  resume(): void {
    if (this.#pauseCount === 0) throw new NotPaused();
    this.#pauseCount--;
    if (this.#pauseCount === 0 && this.#completion === null) this.#host.addTask(this, this.#controls);
  }

  /**
   * Finishes the task now: it is never advanced again and `whenDone()` fails with
   * `TaskStopped`.
   * @throws the `TaskFinished`/`SchedulerStopped` error if the task already finished
   */
  stop(): void {
    this.#checkFinish();
    this.#completeWith(new TaskStopped(), new Failure(new TaskStopped()));
  }

  #checkFinish(): void {
    if (this.#completion !== null) throw this.#completion;
  }

  #completeWith(state: TaskCompletion, result: TaskIterator | Failure): void {
    if (this.#completion !== null) return;
    this.#completion = state;
    this.#result = result;
    this.#host.removeTask(this); // also when paused: the host forgets finished tasks
    debug("task finished: %s", state.name);
    // Fire after unqueueing, so a callback may safely stop the cooperator or other tasks.
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const d of waiting) {
      if (result instanceof Failure) d.errback(result);
      else d.callback(result);
    }
  }

  #oneWorkUnit(): void {
    let step: IteratorResult<unknown>;
    try {
      step = this.#iterator.next();
    } catch (error) {
      const failure = Failure.from(error);
      this.#completeWith(new TaskFailed(failure.getErrorMessage(), { cause: failure.value }), failure);
      return;
    }
    if (step.done === true) {
      this.#completeWith(new TaskDone(), this.#iterator);
      return;
    }
    const waitOn = asDeferred(step.value);
    if (waitOn !== null) this.#waitFor(waitOn);
  }

  #waitFor(waitOn: Deferred<unknown>): void {
    this.pause();
    waitOn.addCallbacks(
      () => {
        this.resume();
        return null;
      },
      (failure: Failure) => {
        if (this.#completion !== null) {
          reportError(failure, "error in a Deferred yielded by a CooperativeTask that had already finished");
          return null;
        }
        this.#completeWith(new TaskFailed(failure.getErrorMessage(), { cause: failure.value }), failure);
        return null;
      },
    );
  }
}

function asDeferred(value: unknown): Deferred<unknown> | null {
  if (value instanceof Deferred) return value as Deferred<unknown>;
  if (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function"
  ) {
    return Deferred.fromPromise(value as PromiseLike<unknown>);
  }
  return null;
}
