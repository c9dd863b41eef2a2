import fs from "node:fs";
import { eventAsJSON } from "./event-json.js";
import { formatEventAsText } from "./format-event.js";
import type { LogEvent, LogObserver } from "./log-event.js";
import { compareLogLevels, type LogLevel } from "./log-level.js";

/** Where an observer writes: a stream (`process.stderr`) or anything with `write(text)`. */
export interface LogOutput {
  write(text: string): unknown;
}

/**
 * An observer writing each event as text, `TIME [namespace#level] message` (Twisted's
 * `textFileLogObserver`). @default output process.stderr
 */
export function textFileObserver(output: LogOutput = process.stderr): LogObserver {
  return (event) => {
    output.write(formatEventAsText(event));
  };
}

/** An observer writing each event as one line of JSON (Twisted's `jsonFileLogObserver`). */
export function jsonFileObserver(output: LogOutput): LogObserver {
  return (event) => {
    output.write(`${eventAsJSON(event)}\n`);
  };
}

/** A synchronous output to a file descriptor or a file (appended), closed by `close()`. */
export class FileLogOutput implements LogOutput {
  #fd: number | null;
  readonly #owned: boolean;

  /** `target`: an open file descriptor (not closed by `close()`) or a path (opened for append). */
  constructor(target: number | string) {
    this.#owned = typeof target === "string";
    this.#fd = typeof target === "number" ? target : fs.openSync(target, "a");
  }

  /** Writes `text` at once (synchronously, so nothing is lost at exit); ignored after close. */
  write(text: string): void {
    if (this.#fd !== null) fs.writeSync(this.#fd, text);
  }

  /** Closes the file if this output opened it. Idempotent. */
  close(): void {
    if (this.#fd !== null && this.#owned) fs.closeSync(this.#fd);
    this.#fd = null;
  }
}

/** What a {@link filteringObserver} lets through. */
export interface LogFilter {
  /** The lowest level passed on. @default "info" */
  readonly level?: LogLevel;
  /**
   * Levels for namespaces and their children (`{"torsion": "warn", "torsion.tcp":
   * "debug"}`): the longest matching dotted prefix wins over `level`.
   */
  readonly namespaces?: Readonly<Record<string, LogLevel>>;
}

function levelFor(namespace: string, filter: LogFilter): LogLevel {
  let best = filter.level ?? "info";
  let bestLength = -1;
  for (const [prefix, level] of Object.entries(filter.namespaces ?? {})) {
    const matches = namespace === prefix || namespace.startsWith(`${prefix}.`) || namespace.startsWith(`${prefix}:`);
    if (matches && prefix.length > bestLength) {
      best = level;
      bestLength = prefix.length;
    }
  }
  return best;
}

/**
 * Passes to `observer` only events at or above their namespace's level (Twisted's
 * `FilteringLogObserver` with a `LogLevelFilterPredicate`).
 */
export function filteringObserver(observer: LogObserver, filter: LogFilter): LogObserver {
  return (event) => {
    if (compareLogLevels(event.level, levelFor(event.namespace, filter)) >= 0) observer(event);
  };
}

/**
 * Keeps the last `size` events (Twisted's `LimitedHistoryLogObserver`): for tests, and for
 * start-up, where events are held until the real observers exist and then replayed.
 */
export class BufferingObserver {
  readonly #size: number;
  readonly #events: LogEvent[] = [];
  /** Add this to a publisher. */
  readonly observer: LogObserver = (event) => {
    this.#events.push(event);
    // Trim in batches so keeping the last `size` events costs O(1) per event.
    if (this.#events.length >= 2 * this.#size) this.#events.splice(0, this.#events.length - this.#size);
  };

  /** @param size how many events to keep (oldest dropped first). @default 65536 */
  constructor(size = 65536) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${String(size)}`);
    this.#size = size;
  }

  /** The events kept, oldest first. */
  get events(): readonly LogEvent[] {
    return this.#events.slice(-this.#size);
  }

  /** Sends every kept event to `observer`, oldest first. */
  replayTo(observer: LogObserver): void {
    for (const event of this.events) observer(event);
  }

  /** Forgets every kept event. */
  clear(): void {
    this.#events.length = 0;
  }
}
