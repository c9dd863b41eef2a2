import { performance } from "node:perf_hooks";
import createDebug from "debug";
import type { IReactorTime } from "@torsion/core";
import { Deferred, Failure } from "@torsion/defer";
import { CooperativeTask } from "./cooperative-task.js";
import type { TaskControls, TaskHost, TaskIterator } from "./cooperative-task.js";
import { NoClockError, SchedulerStopped } from "./errors.js";

const debug = createDebug("torsion:protocols:cooperator");

/** Twisted's `_EPSILON`: the delay of each scheduled tick, in seconds. */
export const COOPERATOR_TICK_DELAY = 1e-8;

/** Makes, at the start of each tick, the predicate that says when the tick must end. */
export type TerminationPredicateFactory = () => () => boolean;

/** Runs `tick` later and returns a handle to cancel it. */
export type CooperatorScheduler = (tick: () => void) => { cancel(): void };

/**
 * The default termination predicate: a tick ends once `maxSlice` seconds (Twisted's
 * `_Timer.MAX_SLICE`, 0.01) of real time have passed since it started. `now` (seconds)
 * defaults to `performance.now() / 1000`.
 */
export function timeSlice(maxSlice = 0.01, now: () => number = () => performance.now() / 1000): TerminationPredicateFactory {
  return () => {
    const end = now() + maxSlice;
    return () => now() >= end;
  };
}

/** Options of {@link Cooperator}: give `clock` or `scheduler`. */
export interface CooperatorOptions {
  /** Ticks are scheduled with `clock.callLater(1e-8, tick)`. */
  readonly clock?: IReactorTime;
  /** Schedules ticks instead of `clock`. */
  readonly scheduler?: CooperatorScheduler;
  /** @default timeSlice() (about 10 ms of work per tick) */
  readonly terminationPredicateFactory?: TerminationPredicateFactory;
  /** Whether tasks run as soon as they are added, or only after `start()`. @default true */
  readonly started?: boolean;
}

/**
 * Runs iterators cooperatively (Twisted's `Cooperator`): each tick advances its tasks
 * round-robin, one `next()` each, until the termination predicate says the slice is used
 * up, then schedules the next tick (through the injected clock or scheduler) while any
 * task is runnable. A task that yields a Deferred or promise is paused until it settles.
 * Cooperators do not share time with each other.
 *
 * `stop()` finishes every unfinished task, paused ones included (Twisted leaves paused
 * ones alone), with `SchedulerStopped`; tasks added while stopped finish the same way
 * at once. `start()` allows new work again.
 */
export class Cooperator {
  readonly #schedule: CooperatorScheduler;
  readonly #terminationPredicateFactory: TerminationPredicateFactory;
  readonly #host: TaskHost;
  /** Runnable tasks, in round-robin order. */
  readonly #runnable: CooperativeTask[] = [];
  /** Every unfinished task (runnable or paused). */
  readonly #live = new Map<CooperativeTask, TaskControls>();
  #cursor = 0;
  #tick: { cancel(): void } | null = null;
  #started: boolean;
  #stopped = false;
  #mustScheduleOnStart = false;

  /** @throws NoClockError when neither `clock` nor `scheduler` is given */
  constructor(options: CooperatorOptions) {
    const { clock, scheduler } = options;
    if (scheduler !== undefined) this.#schedule = scheduler;
    else if (clock !== undefined) this.#schedule = (tick) => clock.callLater(COOPERATOR_TICK_DELAY, tick);
    else throw new NoClockError("Cooperator needs a clock or a scheduler");
    this.#terminationPredicateFactory = options.terminationPredicateFactory ?? timeSlice();
    this.#started = options.started ?? true;
    this.#host = {
      addTask: (task, controls) => this.#addTask(task, controls),
      removeTask: (task) => this.#removeTask(task),
    };
  }

  /** Whether it was started and not stopped since. */
  get running(): boolean {
    return this.#started && !this.#stopped;
  }

  /** Adds `iterator` (or an iterable's iterator) as a task, and returns the task. */
  cooperate(iterator: TaskIterator | Iterable<unknown>): CooperativeTask {
    return new CooperativeTask(toIterator(iterator), this.#host);
  }

  /**
   * Like {@link cooperate}, but returns only a Deferred of the task's end (the iterator,
   * or the failure): `doneDeferred` if given, otherwise a new one.
   */
  coiterate(iterator: TaskIterator | Iterable<unknown>, doneDeferred = new Deferred<TaskIterator>()): Deferred<TaskIterator> {
    this.cooperate(iterator).whenDone().chainDeferred(doneDeferred);
    return doneDeferred;
  }

  /** Starts (or restarts) scheduling ticks; tasks added meanwhile start running. */
  start(): void {
    this.#stopped = false;
    this.#started = true;
    if (this.#mustScheduleOnStart) {
      this.#mustScheduleOnStart = false;
      this.#reschedule();
    }
  }

  /**
   * Stops: cancels the pending tick and finishes every unfinished task with
   * `SchedulerStopped` (their `whenDone()` Deferreds fail). Idempotent.
   */
  stop(): void {
    this.#stopped = true;
    const tasks = [...this.#live];
    debug("stopping with %d unfinished tasks", tasks.length);
    for (const [, controls] of tasks) controls.completeWith(new SchedulerStopped(), new Failure(new SchedulerStopped()));
    this.#runnable.length = 0;
    this.#live.clear();
    this.#cancelTick();
  }

  #addTask(task: CooperativeTask, controls: TaskControls): void {
    this.#live.set(task, controls);
    this.#runnable.push(task);
    if (this.#stopped) controls.completeWith(new SchedulerStopped(), new Failure(new SchedulerStopped()));
    else this.#reschedule();
  }

  #removeTask(task: CooperativeTask): void {
    const index = this.#runnable.indexOf(task);
    if (index >= 0) {
      this.#runnable.splice(index, 1);
      if (index < this.#cursor) this.#cursor--;
    }
    if (task.finished) this.#live.delete(task);
    if (this.#runnable.length === 0) this.#cancelTick();
  }

  #runTick(): void {
    this.#tick = null;
    const terminator = this.#terminationPredicateFactory();
    while (this.#runnable.length > 0) {
      if (this.#cursor >= this.#runnable.length) this.#cursor = 0;
      const task = this.#runnable[this.#cursor++];
      const controls = task === undefined ? undefined : this.#live.get(task);
      controls?.oneWorkUnit();
      if (terminator()) break;
    }
    this.#reschedule();
  }

  #reschedule(): void {
    if (!this.#started) {
      this.#mustScheduleOnStart = true;
      return;
    }
    if (this.#tick === null && this.#runnable.length > 0 && !this.#stopped) {
      this.#tick = this.#schedule(() => this.#runTick());
    }
  }

  #cancelTick(): void {
    if (this.#tick === null) return;
    const tick = this.#tick;
    this.#tick = null;
    tick.cancel();
  }
}

function toIterator(source: TaskIterator | Iterable<unknown>): TaskIterator {
  const candidate = source as Partial<TaskIterator>;
  if (typeof candidate.next === "function") return source as TaskIterator;
  return (source as Iterable<unknown>)[Symbol.iterator]();
}

const sharedCooperators = new WeakMap<IReactorTime, Cooperator>();

function cooperatorFor(target: Cooperator | IReactorTime): Cooperator {
  if (target instanceof Cooperator) return target;
  let cooperator = sharedCooperators.get(target);
  if (cooperator === undefined) {
    cooperator = new Cooperator({ clock: target });
    sharedCooperators.set(target, cooperator);
  }
  return cooperator;
}

/**
 * Twisted's module-level `cooperate`, with the cooperator explicit: runs `iterator` on
 * `cooperator`, or on the one shared cooperator of the clock `clock` (created on first
 * use), and returns the task.
 */
export function cooperate(iterator: TaskIterator | Iterable<unknown>, cooperatorOrClock: Cooperator | IReactorTime): CooperativeTask {
  return cooperatorFor(cooperatorOrClock).cooperate(iterator);
}

/** Twisted's module-level `coiterate`, with the cooperator (or clock) explicit, as {@link cooperate}. */
export function coiterate(
  iterator: TaskIterator | Iterable<unknown>,
  cooperatorOrClock: Cooperator | IReactorTime,
): Deferred<TaskIterator> {
  return cooperatorFor(cooperatorOrClock).coiterate(iterator);
}
