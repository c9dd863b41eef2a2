import { AlreadyCalled, AlreadyCancelled } from "./errors.js";
import type { IDelayedCall } from "./interfaces/i-reactor-time.js";

/** The hooks a scheduler (the reactor, or the test `Clock`) gives each DelayedCall. */
export interface DelayedCallScheduler {
  /** The scheduler's current time in seconds. */
  seconds(): number;
  /** The call was cancelled: drop it from the queue. */
  cancelled(call: DelayedCall): void;
  /** The call moved earlier (`reset` to an earlier time, or a negative `delay`): requeue it. */
  movedEarlier(call: DelayedCall): void;
}

type CallState = "pending" | "called" | "cancelled";

let nextSequence = 0;

/**
 * A call scheduled by `callLater`, with Twisted's semantics: moving a call later only
 * records `delayedTime` (the scheduler applies it lazily with `activateDelay` when the
 * original time comes), while moving it earlier updates `time` and tells the scheduler.
 * Shared by the real reactor and the test `Clock` so both behave identically.
 */
export class DelayedCall implements IDelayedCall {
  /** The time the call was queued for (before any lazy delay). */
  time: number;
  /** Extra delay recorded by `reset`/`delay` and not yet applied to `time`. */
  delayedTime = 0;
  /** Creation order: breaks ties between calls due at the same time. */
  readonly sequence = nextSequence++;
  readonly #fn: (...args: never[]) => unknown;
  readonly #args: readonly unknown[];
  readonly #scheduler: DelayedCallScheduler;
  #state: CallState = "pending";

  constructor(time: number, fn: (...args: never[]) => unknown, args: readonly unknown[], scheduler: DelayedCallScheduler) {
    this.time = time;
    this.#fn = fn;
    this.#args = args;
    this.#scheduler = scheduler;
  }

  getTime(): number {
    return this.time + this.delayedTime;
  }

  active(): boolean {
    return this.#state === "pending";
  }

  /** Whether the call ran (as opposed to being cancelled or still pending). */
  get called(): boolean {
    return this.#state === "called";
  }

  /** Whether the call was cancelled. */
  get cancelled(): boolean {
    return this.#state === "cancelled";
  }

  cancel(): void {
    this.#checkActive();
    this.#state = "cancelled";
    this.#scheduler.cancelled(this);
  }

  reset(seconds: number): void {
    this.#checkActive();
    const newTime = this.#scheduler.seconds() + seconds;
    if (newTime < this.time) {
      this.delayedTime = 0;
      this.time = newTime;
      this.#scheduler.movedEarlier(this);
    } else {
      this.delayedTime = newTime - this.time;
    }
  }

  delay(seconds: number): void {
    this.#checkActive();
    this.delayedTime += seconds;
    if (this.delayedTime < 0) {
      this.activateDelay();
      this.#scheduler.movedEarlier(this);
    }
  }

  /** Folds `delayedTime` into `time`; the scheduler calls this before requeueing. */
  activateDelay(): void {
    this.time += this.delayedTime;
    this.delayedTime = 0;
  }

  /**
   * Runs the call (the scheduler's job, once it is due). Marks it called first, so the
   * function sees `active() === false`. Returns what the function returned (the
   * scheduler watches a returned promise); exceptions propagate to the scheduler, which
   * reports them.
   */
  run(): unknown {
    if (this.#state !== "pending") return undefined;
    this.#state = "called";
    return this.#fn(...(this.#args as never[]));
  }

  #checkActive(): void {
    if (this.#state === "called") throw new AlreadyCalled();
    if (this.#state === "cancelled") throw new AlreadyCancelled();
  }

  toString(): string {
    return `<DelayedCall #${this.sequence} at ${this.getTime()} ${this.#state}>`;
  }
}
