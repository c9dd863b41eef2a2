import type { Deferred } from "@torsion/defer";

/** The phases of a system event, run in this order. */
export type EventPhase = "before" | "during" | "after";

/** The identifier returned by `addSystemEventTrigger`. */
export type TriggerId = number;

/** Running and stopping the reactor, and system-event triggers. */
export interface IReactorCore {
  /** True from `during startup` until `during shutdown`. */
  readonly running: boolean;
  /**
   * Fires `startup` (before, during, after), marks the reactor running, runs the
   * `callWhenRunning` callbacks, and keeps the process alive until `stop()`. Resolves once
   * the reactor has stopped. Throws `ReactorAlreadyRunning` when running.
   */
  run(): Promise<void>;
  /**
   * Fires `shutdown`: `before` triggers (the `during` phase waits for Deferreds they
   * return), then `during` (ports stop, connections close), then `after`. Throws
   * `ReactorNotRunning` when not running.
   */
  stop(): void;
  /** Stops at once without firing any system event. */
  crash(): void;
  /**
   * Runs `fn(...args)` now if the reactor is running, else when it starts (as an `after
   * startup` trigger, whose id is returned).
   */
  callWhenRunning<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): TriggerId | undefined;
  /**
   * Registers `fn(...args)` to run in `phase` of `event` (e.g. `"shutdown"`). A `before`
   * trigger may return a Deferred (or promise); `during` waits for all of them.
   */
  addSystemEventTrigger<A extends unknown[]>(phase: EventPhase, event: string, fn: (...args: A) => unknown, ...args: A): TriggerId;
  /** Unregisters a trigger; throws `Error` for an unknown id. */
  removeSystemEventTrigger(id: TriggerId): void;
  /** Runs the three phases of `event`; the Deferred fires when `after` has run. */
  fireSystemEvent(event: string): Deferred<void>;
}
