import type { Failure } from "@torsion/defer";
import type { LogLevel } from "./log-level.js";

/**
 * One log event: a plain object, as in `twisted.logger`. The message is not formatted when
 * the event is emitted; observers call `formatEvent` if and when they need text, so a
 * filtered-out event costs nothing but this object.
 */
export interface LogEvent {
  /** Wall-clock time of the event, in seconds since the epoch (`Date.now() / 1000`). */
  readonly time: number;
  readonly level: LogLevel;
  /** Who logged it, e.g. `torsion.tcp` or `myapp.cache`. */
  readonly namespace: string;
  /** A format string with `{field}` placeholders (`{{`/`}}` for literal braces). */
  readonly format: string;
  /** The values the format refers to, and any others worth keeping. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The error this event is about, if any. */
  readonly failure?: Failure;
}

/** Receives every event a publisher emits. Must not throw (one that throws is removed). */
export type LogObserver = (event: LogEvent) => void;
