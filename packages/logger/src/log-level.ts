import { InvalidLogLevelError } from "./errors.js";

/** The levels of `twisted.logger.LogLevel`, lowest first. */
export const LogLevel = {
  debug: "debug",
  info: "info",
  warn: "warn",
  error: "error",
  critical: "critical",
} as const;

/** One of {@link LogLevel}'s values. */
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

const ORDER: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3, critical: 4 };

/** Every level, lowest first. */
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "critical"];

/** Whether `value` names a level. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && Object.hasOwn(ORDER, value);
}

/**
 * Parses a level name (case-insensitive; `warning` is accepted for `warn`, as
 * `twist --log-level` does).
 * @throws InvalidLogLevelError for anything else
 */
export function parseLogLevel(name: string): LogLevel {
  const lower = name.toLowerCase();
  const level = lower === "warning" ? "warn" : lower;
  if (!isLogLevel(level)) throw new InvalidLogLevelError(name);
  return level;
}

/** Negative, zero or positive as `a` is below, equal to or above `b`. */
export function compareLogLevels(a: LogLevel, b: LogLevel): number {
  return ORDER[a] - ORDER[b];
}
