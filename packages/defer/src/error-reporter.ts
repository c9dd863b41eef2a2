import { Failure } from "./failure.js";

/**
 * Receives every error that Torsion catches and cannot hand to anyone: an exception
 * thrown by a user callback (a timed call, a protocol or factory method) and a Deferred
 * whose chain ended on a failure nobody handled.
 *
 * @param failure - what went wrong
 * @param context - a short human-readable description of where, e.g.
 *   `"Unhandled error in Deferred"` or `"error in dataReceived of EchoProtocol"`
 */
export type ErrorReporter = (failure: Failure, context: string) => void;

/**
 * The documented default reporter: prints the context line and the error's stack on
 * stderr. This is the one place library code writes to the console.
 */
export const defaultErrorReporter: ErrorReporter = (failure, context) => {
  console.error(`${context}:\n${failure.getTraceback()}`);
};

let current: ErrorReporter = defaultErrorReporter;

/**
 * Replaces the process-wide error reporter and returns the previous one, so tests can
 * capture reports and restore the old reporter afterwards.
 */
export function setErrorReporter(reporter: ErrorReporter): ErrorReporter {
  const previous = current;
  current = reporter;
  return previous;
}

/** The reporter currently installed. */
export function getErrorReporter(): ErrorReporter {
  return current;
}

/**
 * Reports `error` through the installed reporter. Never throws: if the reporter itself
 * throws, the default reporter reports both.
 */
export function reportError(error: unknown, context: string): void {
  const failure = Failure.from(error);
  try {
    current(failure, context);
  } catch (reporterError) {
    defaultErrorReporter(failure, context);
    defaultErrorReporter(Failure.from(reporterError), "error in the installed error reporter");
  }
}
