import { format } from "node:util";
import createDebug from "debug";
import { setErrorReporter } from "@torsion/defer";
import { Logger } from "./logger.js";
import { globalLogPublisher, type LogPublisher } from "./log-publisher.js";

/** Undoes a capture. */
export type Restore = () => void;

/**
 * Routes Torsion's error reporter (`@torsion/defer`'s `reportError`: unhandled Deferred
 * failures, exceptions in protocol callbacks and timed calls) into `publisher` as `error`
 * events in namespace `torsion.errors`, with the failure attached and the context as the
 * `context` field. Process-wide (it replaces the reporter); returns a function that puts
 * the previous reporter back.
 */
export function captureErrorReporter(publisher: LogPublisher = globalLogPublisher): Restore {
  const log = new Logger({ namespace: "torsion.errors", publisher });
  const previous = setErrorReporter((failure, context) => {
    log.failure("{context}", failure, { context }, "error");
  });
  return () => {
    setErrorReporter(previous);
  };
}

interface DebugInstance {
  readonly namespace: string;
}

/**
 * Routes the `debug` namespaces matching `namespaces` (the `DEBUG` syntax, e.g.
 * `torsion:*`) into `publisher` as `debug` events, namespace = the debug namespace, the
 * formatted message as the `message` field, instead of `debug`'s own stderr output.
 * Process-wide (it enables those namespaces and replaces `debug`'s output function for
 * every module); returns a function that restores `debug`'s previous settings.
 */
export function captureDebug(namespaces: string, publisher: LogPublisher = globalLogPublisher): Restore {
  const previousLog = createDebug.log;
  const previousFormatArgs = createDebug.formatArgs;
  const previousNamespaces = createDebug.disable();
  createDebug.formatArgs = () => {};
  createDebug.log = function (this: DebugInstance, ...args: unknown[]): void {
    const message = format(...args);
    publisher.emit({ time: Date.now() / 1000, level: "debug", namespace: this.namespace, format: "{message}", fields: { message } });
  };
  createDebug.enable(namespaces);
  return () => {
    createDebug.log = previousLog;
    createDebug.formatArgs = previousFormatArgs;
    createDebug.enable(previousNamespaces);
  };
}
