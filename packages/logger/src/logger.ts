import { Failure } from "@torsion/defer";
import type { LogEvent } from "./log-event.js";
import type { LogLevel } from "./log-level.js";
import { globalLogPublisher, type LogPublisher } from "./log-publisher.js";

/** Options of {@link Logger}. */
export interface LoggerOptions {
  /** Who logs, e.g. `myapp.cache`. */
  readonly namespace: string;
  /** Where events go. @default globalLogPublisher */
  readonly publisher?: LogPublisher;
  /** The wall clock, in seconds. @default () => Date.now() / 1000 */
  readonly now?: () => number;
}

type Fields = Readonly<Record<string, unknown>>;

/**
 * Emits structured events (Twisted's `twisted.logger.Logger`): each method takes a format
 * string with `{field}` placeholders and the fields, e.g.
 * `log.info("accepted {peer} on {port}", { peer, port })`. The text is produced only by
 * observers that want it.
 */
export class Logger {
  readonly namespace: string;
  readonly #publisher: LogPublisher;
  readonly #now: () => number;

  constructor(options: LoggerOptions) {
    this.namespace = options.namespace;
    this.#publisher = options.publisher ?? globalLogPublisher;
    this.#now = options.now ?? (() => Date.now() / 1000);
  }

  /** Emits an event at `level`. */
  emit(level: LogLevel, format: string, fields: Fields = {}, failure?: Failure): void {
    const event: LogEvent = {
      time: this.#now(),
      level,
      namespace: this.namespace,
      format,
      fields,
      ...(failure === undefined ? {} : { failure }),
    };
    this.#publisher.emit(event);
  }

  debug(format: string, fields?: Fields): void {
    this.emit("debug", format, fields);
  }

  info(format: string, fields?: Fields): void {
    this.emit("info", format, fields);
  }

  warn(format: string, fields?: Fields): void {
    this.emit("warn", format, fields);
  }

  error(format: string, fields?: Fields): void {
    this.emit("error", format, fields);
  }

  critical(format: string, fields?: Fields): void {
    this.emit("critical", format, fields);
  }

  /**
   * Emits an event about an error (Twisted's `log.failure`): `error` may be any thrown value
   * or a `Failure`. @default level `critical`, as in Twisted
   */
  failure(format: string, error: unknown, fields?: Fields, level: LogLevel = "critical"): void {
    this.emit(level, format, fields, Failure.from(error));
  }
}
