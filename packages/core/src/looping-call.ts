import createDebug from "debug";
import { Deferred, Failure } from "@torsion/defer";
import type { IDelayedCall, IReactorTime } from "./interfaces/i-reactor-time.js";
import { LoopingCallStateError } from "./task-errors.js";

const debug = createDebug("torsion:core:looping-call");

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * Calls a function every `interval` seconds, with Twisted's `LoopingCall` semantics.
 *
 * - Ticks are aligned to `start time + k * interval`. When the clock jumps over several
 *   ticks, the skipped ones collapse into a single call (use {@link LoopingCall.withCount}
 *   to learn how many intervals passed).
 * - If the function returns a Deferred (or a promise), the next call is scheduled only
 *   after it settles.
 * - If the function throws, or returns a Deferred/promise that fails, the loop stops and
 *   the Deferred returned by {@link start} errbacks with that failure.
 * - {@link stop} fires the Deferred returned by `start` with this LoopingCall: at once when
 *   a call is pending, or, when called from inside the function, as soon as the function
 *   (and any Deferred it returned) completes.
 * - An interval of 0 calls the function again as soon as possible: with the test `Clock`
 *   that means within the same `advance`, so such a loop must stop itself.
 *
 * The clock is required (there is no global reactor); it is also exposed as the settable
 * {@link clock} property, as in Twisted. Changing it while running affects the next
 * scheduling only.
 *
 * @example
 * ```ts
 * const lc = new LoopingCall(clock, () => poll());
 * lc.start(5).addErrback((f) => log(f));
 * ```
 */
export class LoopingCall {
  /** The clock that schedules the calls. Settable (as in Twisted) while not running. */
  clock: IReactorTime;
  readonly #fn: () => unknown;
  #running = false;
  #interval: number | null = null;
  #startTime: number | null = null;
  #runAtStart = false;
  #call: IDelayedCall | null = null;
  #deferred: Deferred<LoopingCall> | null = null;

  /**
   * @param clock - schedules the calls (the reactor, or the test `Clock`)
   * @param fn - called as `fn(...args)` on every tick
   * @param args - arguments passed to `fn` on every call
   */
  constructor(clock: IReactorTime, fn: (...args: never[]) => unknown, ...args: unknown[]) {
    this.clock = clock;
    this.#fn = () => (fn as (...a: unknown[]) => unknown)(...args);
  }

  /**
   * Makes a LoopingCall that calls `countFn(count)`, where `count` is the number of
   * intervals that elapsed since the previous call (more than 1 after the clock skipped
   * ticks; always 1 when the interval is 0). A tick where no full interval elapsed (e.g.
   * right after `reset`) does not call `countFn`.
   */
  static withCount(clock: IReactorTime, countFn: (count: number) => unknown): LoopingCall {
    let lastTime: number | null = null;
    const loop: LoopingCall = new LoopingCall(clock, () => {
      const now = loop.clock.seconds();
      if (loop.#interval === 0) {
        lastTime = now;
        return countFn(1);
      }
      let previous = lastTime;
      if (previous === null) {
        previous = loop.#startTime ?? now;
        if (loop.#runAtStart) previous -= loop.#interval ?? 0;
      }
      const count = loop.#intervalOf(now) - loop.#intervalOf(previous);
      if (count <= 0) return undefined;
      lastTime = now;
      return countFn(count);
    });
    return loop;
  }

  /** Whether the loop is started and not stopped. */
  get running(): boolean {
    return this.#running;
  }

  /** The interval given to the last `start`, in seconds; `null` before the first start. */
  get interval(): number | null {
    return this.#interval;
  }

  /** The clock time of the last `start` or `reset`; `null` before the first start. */
  get startTime(): number | null {
    return this.#startTime;
  }

  /** The Deferred returned by the current `start`; `null` when it has fired or before start. */
  get deferred(): Deferred<LoopingCall> | null {
    return this.#deferred;
  }

  /**
   * Starts calling the function every `interval` seconds: first right away when `now` is
   * true (synchronously, inside this call), else after one interval.
   *
   * @param interval - seconds between calls, `>= 0`
   * @param now - whether to call the function at once @default true
   * @returns a Deferred that fires with this LoopingCall when {@link stop} is called, or
   *   errbacks when the function fails (the loop is then stopped). It may already have
   *   fired when `start` returns (the first call stopped the loop or failed).
   * @throws LoopingCallStateError when already running (checked first)
   * @throws RangeError when `interval` is negative or not a finite number
   */
  start(interval: number, now = true): Deferred<LoopingCall> {
    if (this.#running) throw new LoopingCallStateError("Tried to start an already running LoopingCall.");
    if (!(interval >= 0) || !Number.isFinite(interval)) {
      throw new RangeError(`interval must be a finite number >= 0, not ${interval}`);
    }
    this.#running = true;
    const deferred = new Deferred<LoopingCall>();
    this.#deferred = deferred;
    this.#startTime = this.clock.seconds();
    this.#interval = interval;
    this.#runAtStart = now;
    debug("start interval=%d now=%s at %d", interval, now, this.#startTime);
    if (now) this.#tick();
    else this.#scheduleFrom(this.#startTime);
    return deferred;
  }

  /**
   * Stops the loop. When a call is pending it is cancelled and the Deferred of `start`
   * fires at once; when called from inside the function (or while a Deferred it returned
   * is pending), the Deferred fires once the function completes.
   *
   * @throws LoopingCallStateError when not running
   */
  stop(): void {
    if (!this.#running) throw new LoopingCallStateError("Tried to stop a LoopingCall that was not running.");
    this.#running = false;
    debug("stop");
    if (this.#call !== null) {
      this.#call.cancel();
      this.#call = null;
      this.#fire((d) => d.callback(this));
    }
  }

  /**
   * Re-bases the tick grid at the current time: the pending call is moved to one full
   * interval from now. Does nothing while the function runs (or while a Deferred it
   * returned is pending).
   *
   * @throws LoopingCallStateError when not running
   */
  reset(): void {
    if (!this.#running) throw new LoopingCallStateError("Tried to reset a LoopingCall that was not running.");
    if (this.#call === null) return;
    this.#call.cancel();
    this.#call = null;
    this.#startTime = this.clock.seconds();
    this.#scheduleFrom(this.#startTime);
  }

  #tick(): void {
    this.#call = null;
    let result: unknown;
    try {
      result = this.#fn();
    } catch (error) {
      this.#failed(Failure.from(error));
      return;
    }
    const waited = result instanceof Deferred ? result : isPromiseLike(result) ? Deferred.fromPromise(result) : null;
    if (waited !== null) {
      waited.addCallbacks(
        () => this.#completed(),
        (failure: Failure) => this.#failed(failure),
      );
    } else if (result instanceof Failure) {
      this.#failed(result);
    } else {
      this.#completed();
    }
  }

  #completed(): void {
    if (this.#running) this.#scheduleFrom(this.clock.seconds());
    else this.#fire((d) => d.callback(this));
  }

  #failed(failure: Failure): void {
    debug("function failed: %s", failure.getErrorMessage());
    this.#running = false;
    this.#fire((d) => d.errback(failure));
  }

  #fire(how: (deferred: Deferred<LoopingCall>) => void): void {
    const deferred = this.#deferred;
    this.#deferred = null;
    if (deferred !== null) how(deferred);
  }

  #scheduleFrom(when: number): void {
    this.#call = this.clock.callLater(this.#howLong(when), () => this.#tick());
  }

  #howLong(when: number): number {
    const interval = this.#interval ?? 0;
    if (interval === 0) return 0;
    const runningFor = when - (this.#startTime ?? when);
    const untilNext = interval - (runningFor % interval);
    return when === when + untilNext ? interval : untilNext;
  }

  #intervalOf(time: number): number {
    return Math.trunc((time - (this.#startTime ?? time)) / (this.#interval ?? 1));
  }

  toString(): string {
    const interval = this.#interval;
    return `<LoopingCall ${this.#running && interval !== null ? `running every ${interval}s` : "stopped"}>`;
  }
}
