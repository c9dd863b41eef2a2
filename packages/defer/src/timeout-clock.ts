/**
 * The handle of a call scheduled with {@link ITimeoutClock.callLater}: the two methods
 * `Deferred.addTimeout` needs. `@torsion/core`'s `IDelayedCall` satisfies it.
 */
export interface ITimeoutDelayedCall {
  /** Prevents the call from running. Called at most once, and only while `active()`. */
  cancel(): void;
  /** Whether the call has neither run nor been cancelled. */
  active(): boolean;
}

/**
 * The narrowest clock `Deferred.addTimeout` can use: something that runs a function once,
 * `delay` seconds from now. `@torsion/core`'s `IReactorTime` (the reactor and the test
 * `Clock`) satisfies it, so `@torsion/defer` does not depend on `@torsion/core`.
 */
export interface ITimeoutClock {
  /**
   * Runs `fn` once, `delay` seconds from now, unless the returned call is cancelled first.
   * `addTimeout` calls it exactly once, synchronously, and never with a negative delay
   * unless its caller passed one.
   */
  callLater(delay: number, fn: () => void): ITimeoutDelayedCall;
}
