/**
 * A call scheduled with `IReactorTime.callLater`.
 *
 * It is active until it runs or is cancelled; after that, `cancel`, `delay` and `reset`
 * throw `AlreadyCalled` or `AlreadyCancelled`.
 */
export interface IDelayedCall {
  /** When it will run, in the clock's seconds. */
  getTime(): number;
  /** Prevents it from running. Throws `AlreadyCalled`/`AlreadyCancelled` when inactive. */
  cancel(): void;
  /** Pushes it back by `seconds`. Throws when inactive. */
  delay(seconds: number): void;
  /** Reschedules it to run `seconds` from now. Throws when inactive. */
  reset(seconds: number): void;
  /** Whether it has neither run nor been cancelled. */
  active(): boolean;
}

/** Time and scheduling: the narrow interface everything that schedules depends on. */
export interface IReactorTime {
  /** The current time in seconds (a float). Monotonic for the real reactor. */
  seconds(): number;
  /**
   * Runs `fn(...args)` once, `delay` seconds from now (`delay >= 0`; negative throws
   * `RangeError`). Calls due at the same time run in the order they were scheduled. A call
   * scheduled while timed calls are running runs at the earliest on the next pass.
   * An exception thrown by `fn` is reported, never propagated.
   */
  callLater<A extends unknown[]>(delay: number, fn: (...args: A) => unknown, ...args: A): IDelayedCall;
  /** All calls that are still pending (neither run nor cancelled). */
  getDelayedCalls(): IDelayedCall[];
}
