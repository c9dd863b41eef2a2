import { DelayedCall, type DelayedCallScheduler, type IDelayedCall, type IReactorTime } from "@torsion/core";

/**
 * A deterministic {@link IReactorTime} for tests, as Twisted's `task.Clock`: time starts
 * at 0 and moves only when {@link advance} (or {@link pump}) is called.
 *
 * The pending calls are kept in one list, stably sorted by `getTime()` after every
 * `callLater` and after every call that `advance` runs, so calls due at the same time run
 * in the order they were scheduled. Calls use core's `DelayedCall`, so `cancel`, `reset`
 * and `delay` behave exactly as on the real reactor.
 *
 * Differences from the real reactor, on purpose:
 * - A call scheduled during `advance` that is already due runs in the same `advance`.
 * - An exception thrown by a call propagates out of `advance` to the test (the call counts
 *   as run and is removed first; later due calls stay pending until the next `advance`).
 *
 * Like the real reactor (and unlike Twisted's Clock), a negative delay throws `RangeError`.
 */
export class Clock implements IReactorTime {
  #now = 0;
  #calls: DelayedCall[] = [];
  readonly #scheduler: DelayedCallScheduler = {
    seconds: () => this.#now,
    cancelled: (call) => {
      const index = this.#calls.indexOf(call);
      if (index >= 0) this.#calls.splice(index, 1);
    },
    // Twisted's Clock re-sorts lazily: the next callLater/advance sorts the list.
    movedEarlier: () => undefined,
  };

  /** The current fake time in seconds (starts at 0). */
  seconds(): number {
    return this.#now;
  }

  /**
   * Schedules `fn(...args)` at `seconds() + delay`. The call runs during the first
   * `advance` that reaches its time.
   *
   * @throws RangeError when `delay` is negative or NaN
   */
  callLater<A extends unknown[]>(delay: number, fn: (...args: A) => unknown, ...args: A): IDelayedCall {
    if (!(delay >= 0)) throw new RangeError(`callLater delay must be >= 0, not ${delay}`);
    const call = new DelayedCall(this.#now + delay, fn, args, this.#scheduler);
    this.#calls.push(call);
    this.#sort();
    return call;
  }

  /** The pending calls, in the clock's (sorted) order. A copy: changing it changes nothing. */
  getDelayedCalls(): IDelayedCall[] {
    return [...this.#calls];
  }

  /**
   * Moves time forward by `amount` seconds, then runs every pending call whose time is
   * `<=` the new time, earliest first, including calls scheduled meanwhile that are due.
   * Every call sees `seconds()` equal to the new time. An exception from a call
   * propagates to the caller of `advance`.
   *
   * @throws RangeError when `amount` is negative or NaN (time never goes back)
   */
  advance(amount: number): void {
    if (!(amount >= 0)) throw new RangeError(`advance amount must be >= 0, not ${amount}`);
    this.#now += amount;
    this.#sort();
    for (let call = this.#calls[0]; call !== undefined && call.getTime() <= this.#now; call = this.#calls[0]) {
      this.#calls.shift();
      call.run();
      this.#sort();
    }
  }

  /** Calls {@link advance} with each amount in order. */
  pump(amounts: Iterable<number>): void {
    for (const amount of amounts) this.advance(amount);
  }

  #sort(): void {
    // Array.prototype.sort is stable: ties keep their list order (earlier insertion first).
    this.#calls.sort((a, b) => compare(a.getTime(), b.getTime()));
  }
}

function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
