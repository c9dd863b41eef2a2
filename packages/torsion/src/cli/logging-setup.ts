/** The runner's log: one observer (text or JSON lines) on stdout or a file, filtered by level. */
import createDebug from "debug";
import { captureErrorReporter, FileLogOutput, filteringObserver, globalLogPublisher, jsonFileObserver, textFileObserver, type LogLevel, type LogOutput, type LogPublisher } from "@torsion/logger";
import type { LogFormat } from "./runner-options.js";

const debug = createDebug("torsion:cli:logging-setup");

/** What {@link setUpLogging} needs. */
export interface LoggingSettings {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** `-` for `stdout`, else a file path (appended to). */
  readonly file: string;
  readonly stdout?: LogOutput;
  readonly publisher?: LogPublisher;
}

/**
 * Adds the runner's observer to the publisher and routes the error reporter into it
 * (unhandled Deferred failures and exceptions in callbacks are logged as `error` events).
 * Returns a function that undoes both and closes the file.
 * @throws the file system's error if the log file cannot be opened
 */
export function setUpLogging(settings: LoggingSettings): () => void {
  const publisher = settings.publisher ?? globalLogPublisher;
  const file = settings.file === "-" ? null : new FileLogOutput(settings.file);
  const output = file ?? settings.stdout ?? new FileLogOutput(1);
  const write = settings.format === "json" ? jsonFileObserver(output) : textFileObserver(output);
  const observer = filteringObserver(write, { level: settings.level });
  publisher.addObserver(observer);
  const restore = captureErrorReporter(publisher);
  debug("logging %s at %s to %s", settings.format, settings.level, settings.file);
  return () => {
    restore();
    publisher.removeObserver(observer);
    file?.close();
  };
}
