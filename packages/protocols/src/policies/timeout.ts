import createDebug from "debug";
import type { IDelayedCall, IReactorTime } from "@torsion/core";

const debug = createDebug("torsion:protocols:timeout");

/** Options of {@link Timeout}. */
export interface TimeoutOptions {
  /**
   * The initial value of {@link Timeout.timeOut}. Setting it does **not** start a timer:
   * only {@link Timeout.setTimeout} does.
   * @default null
   */
  readonly timeOut?: number | null;
}

/**
 * One idle timeout for one connection: Twisted's `TimeoutMixin` as an object a protocol
 * owns instead of a mixin. It schedules on the clock it is given (never a global one) and
 * calls `onTimeout` once when the period passes without a {@link resetTimeout}.
 *
 * Semantics, exactly as Twisted's:
 * - {@link setTimeout}`(p)` starts the timer when none is running, moves the running one to
 *   `p` seconds from now (earlier or later), or cancels it when `p` is `null`; it returns
 *   the previous {@link timeOut}. `setTimeout(0)` fires on the clock's next advance.
 * - {@link resetTimeout} restarts the countdown of a *running* timer only. After the timer
 *   fired (or was cancelled) it does nothing, so data arriving after a timeout restarts
 *   nothing.
 * - When the timer fires it is forgotten first, then `onTimeout` runs (so `onTimeout` may
 *   call `setTimeout` to start a new one).
 *
 * @example
 * ```ts
 * class Idle extends Protocol {
 *   readonly timeout: Timeout;
 *   constructor(clock: IReactorTime) {
 *     super();
 *     this.timeout = new Timeout(clock, () => this.timeoutConnection());
 *   }
 *   override connectionMade() { this.timeout.setTimeout(30); }
 *   override dataReceived(data: Buffer) { this.timeout.resetTimeout(); }
 *   override connectionLost() { this.timeout.cancel(); }
 *   timeoutConnection() { this.transport.loseConnection(); } // Twisted's default hook
 * }
 * ```
 */
export class Timeout {
  /**
   * The period in seconds that {@link resetTimeout} restarts the countdown with, or `null`
   * when no timeout is configured. Writing it directly changes the next reset only.
   */
  timeOut: number | null;
  readonly #clock: IReactorTime;
  readonly #onTimeout: () => void;
  #call: IDelayedCall | null = null;

  /**
   * @param clock - schedules the timer (the reactor, or a test `Clock`)
   * @param onTimeout - called once each time the timer fires, after it is forgotten;
   *   typically `() => protocol.timeoutConnection()`. An exception it throws reaches the
   *   clock, which reports it.
   */
  constructor(clock: IReactorTime, onTimeout: () => void, options: TimeoutOptions = {}) {
    this.#clock = clock;
    this.#onTimeout = onTimeout;
    this.timeOut = options.timeOut ?? null;
  }

  /** Whether a timer is scheduled (neither fired nor cancelled). */
  get pending(): boolean {
    return this.#call !== null;
  }

  /**
   * Changes the period and (re)starts, moves or cancels the timer, as described on the
   * class. Callable at any time, any number of times.
   *
   * @param period - seconds (`>= 0`), or `null` to disable the timeout
   * @returns the previous {@link timeOut}
   */
  setTimeout(period: number | null): number | null {
    const previous = this.timeOut;
    this.timeOut = period;
    if (this.#call !== null) {
      if (period === null) {
        if (this.#call.active()) this.#call.cancel();
        this.#call = null;
      } else {
        this.#call.reset(period);
      }
    } else if (period !== null) {
      this.#call = this.#clock.callLater(period, () => this.#timedOut());
    }
    return previous;
  }

  /**
   * Restarts the countdown: the timer now fires {@link timeOut} seconds from now. Call it on
   * activity (typically from `dataReceived`). Does nothing when no timer is running or
   * {@link timeOut} is `null`.
   */
  resetTimeout(): void {
    if (this.#call !== null && this.timeOut !== null) this.#call.reset(this.timeOut);
  }

  /**
   * Disables the timeout: cancels the running timer (if any) and sets {@link timeOut} to
   * `null` (Twisted's `cancelTimeout`). Idempotent; call it from `connectionLost`.
   */
  cancel(): void {
    this.timeOut = null;
    if (this.#call !== null) {
      if (this.#call.active()) this.#call.cancel();
      this.#call = null;
    }
  }

  /** Twisted's name for {@link cancel}. */
  cancelTimeout(): void {
    this.cancel();
  }

  #timedOut(): void {
    this.#call = null;
    debug("timed out after %s s", this.timeOut);
    this.#onTimeout();
  }
}
