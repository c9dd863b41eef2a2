import createDebug from "debug";
import { DelayedCall, watchResult, type DelayedCallScheduler } from "@torsion/core";
import { CallHeap } from "./call-heap.js";

const debug = createDebug("torsion:reactor:timers");

/** Node's largest timer delay (about 24.8 days); longer waits re-arm when it expires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The one underlying timer a {@link TimerQueue} drives. `arm` replaces any previous arming.
 * The default uses a single Node `setTimeout`; tests may inject a fake.
 */
export interface TimerDriver {
  /** Calls `onFire` once, after about `delayMs` milliseconds, unless re-armed or disarmed first. */
  arm(delayMs: number, onFire: () => void): void;
  /** Cancels the pending arming, if any, so no Node handle is left. */
  disarm(): void;
}

/** A {@link TimerDriver} backed by one Node `setTimeout` (ref'd: it keeps the process alive). */
export function createNodeTimerDriver(): TimerDriver {
  let handle: NodeJS.Timeout | undefined;
  return {
    arm(delayMs, onFire) {
      if (handle !== undefined) clearTimeout(handle);
      handle = setTimeout(
        () => {
          handle = undefined;
          onFire();
        },
        Math.min(Math.max(delayMs, 0), MAX_TIMER_MS),
      );
    },
    disarm() {
      if (handle !== undefined) clearTimeout(handle);
      handle = undefined;
    },
  };
}

/** Options of {@link TimerQueue}. */
export interface TimerQueueOptions {
  /** The current time in seconds. */
  readonly now: () => number;
  /** Receives exceptions thrown by timed calls. Must not throw. */
  readonly report: (error: unknown, context: string) => void;
  /** The underlying timer. @default createNodeTimerDriver() */
  readonly driver?: TimerDriver;
}

/**
 * The reactor's pending delayed calls: a heap of {@link DelayedCall}s driven by ONE
 * underlying timer, always armed for the earliest call (so thousands of pending calls cost
 * one Node timer, and none once the queue is empty).
 *
 * A *pass* ({@link runUntilCurrent}) runs, in `time` then scheduling order, every call due
 * at the moment the pass began. Calls scheduled while a pass runs wait for the next pass,
 * even with delay 0. A call whose `time` came but which was pushed back with `delay`/`reset`
 * (Twisted's lazy `delayedTime`) gets `activateDelay()` and is requeued, not run. An
 * exception thrown by a call is reported and the pass goes on.
 *
 * This is `NodeReactor`'s scheduler, exported for code that needs the same semantics on
 * its own clock or driver. It implements core's `DelayedCallScheduler`.
 */
export class TimerQueue implements DelayedCallScheduler {
  readonly #now: () => number;
  readonly #report: (error: unknown, context: string) => void;
  readonly #driver: TimerDriver;
  readonly #heap = new CallHeap();
  /** Calls scheduled during a pass; they join the heap when the pass ends. */
  readonly #newCalls = new Set<DelayedCall>();
  #inPass = false;
  /** The `time` the driver is armed for, or `undefined` when disarmed. */
  #armedFor: number | undefined;

  /** Creates an empty queue; nothing is armed until the first call is scheduled. */
  constructor(options: TimerQueueOptions) {
    this.#now = options.now;
    this.#report = options.report;
    this.#driver = options.driver ?? createNodeTimerDriver();
  }

  /** The current time in seconds (the `DelayedCallScheduler` hook). */
  seconds(): number {
    return this.#now();
  }

  /**
   * Schedules `fn(...args)` to run `delay` seconds from now.
   *
   * @throws RangeError if `delay` is negative or NaN
   * @throws TypeError if `fn` is not a function
   */
  schedule(delay: number, fn: (...args: never[]) => unknown, args: readonly unknown[]): DelayedCall {
    if (typeof delay !== "number" || Number.isNaN(delay) || delay < 0) {
      throw new RangeError(`callLater: delay must be a number >= 0 seconds, got ${String(delay)}`);
    }
    if (typeof fn !== "function") throw new TypeError("callLater: fn must be a function");
    const call = new DelayedCall(this.#now() + delay, fn, args, this);
    if (this.#inPass) {
      this.#newCalls.add(call);
    } else {
      this.#heap.push(call);
      this.#rearm();
    }
    return call;
  }

  /** `DelayedCallScheduler` hook: `call` was cancelled; forget it. */
  cancelled(call: DelayedCall): void {
    if (this.#newCalls.delete(call)) return;
    if (this.#heap.remove(call) && !this.#inPass) this.#rearm();
  }

  /** `DelayedCallScheduler` hook: `call.time` moved earlier; reposition it. */
  movedEarlier(call: DelayedCall): void {
    if (!this.#heap.has(call)) return;
    this.#heap.update(call);
    if (!this.#inPass) this.#rearm();
  }

  /** Every pending call (neither run nor cancelled), sorted by `getTime()` then scheduling order. */
  pending(): DelayedCall[] {
    const calls = [...this.#heap.toArray(), ...this.#newCalls];
    return calls.sort((a, b) => a.getTime() - b.getTime() || a.sequence - b.sequence);
  }

  /** How many calls are pending. */
  get size(): number {
    return this.#heap.size + this.#newCalls.size;
  }

  /** Cancels every pending call; returns how many were cancelled. */
  cancelAll(): number {
    const calls = this.pending();
    for (const call of calls) {
      if (call.active()) call.cancel();
    }
    return calls.length;
  }

  /**
   * Runs one pass: every call due now. Called by the driver; not re-entrant (a nested call
   * does nothing). Re-arms the driver for the next call afterwards.
   */
  runUntilCurrent(): void {
    if (this.#inPass) return;
    this.#armedFor = undefined;
    this.#inPass = true;
    const now = this.#now();
    let ran = 0;
    try {
      for (let call = this.#heap.peek(); call !== undefined && call.time <= now; call = this.#heap.peek()) {
        this.#heap.pop();
        if (call.delayedTime > 0) {
          call.activateDelay();
          this.#heap.push(call);
        } else {
          ran += 1;
          this.#runCall(call);
        }
      }
    } finally {
      this.#inPass = false;
      for (const call of this.#newCalls) this.#heap.push(call);
      this.#newCalls.clear();
      debug("pass ran %d call(s), %d pending", ran, this.#heap.size);
      this.#rearm();
    }
  }

  #runCall(call: DelayedCall): void {
    try {
      // An async function's failed promise is reported like a throw (it would kill the process).
      watchResult(call.run(), (error) => this.#report(error, `Unhandled error in delayed call ${call.toString()}`));
    } catch (error) {
      this.#report(error, `Unhandled error in delayed call ${call.toString()}`);
    }
  }

  /** Arms the driver for the earliest call, or disarms it when nothing is pending. */
  #rearm(): void {
    const next = this.#heap.peek();
    if (next === undefined) {
      if (this.#armedFor !== undefined) this.#driver.disarm();
      this.#armedFor = undefined;
      return;
    }
    if (this.#armedFor === next.time) return;
    this.#armedFor = next.time;
    const delayMs = Math.ceil((next.time - this.#now()) * 1000);
    this.#driver.arm(delayMs, () => this.runUntilCurrent());
  }
}
