import type { IReactorCore } from "@torsion/core";
import { maybeDeferred, reportError, type Deferred, type Failure } from "@torsion/defer";
import { ExitError } from "./errors.js";

/** What `react` runs: given the reactor and the arguments; may return a Deferred or a promise. */
export type ReactMain<R, A extends readonly unknown[]> = (reactor: R, ...argv: A) => unknown;

/** The exit code for how `main` ended: 0, an {@link ExitError}'s code, or 1 (reported). */
function exitCodeOf(failure: Failure | null): number {
  if (failure === null) return 0;
  const exit = failure.value;
  if (exit instanceof ExitError) return exit.exitCode;
  reportError(failure, "react: main failed");
  return 1;
}

/**
 * Runs `main(reactor, ...argv)` with the reactor running, stops the reactor exactly once
 * when `main` settles, and sets `process.exitCode` (Twisted's `task.react`):
 *
 * - success: 0; failure with an {@link ExitError}: its `exitCode`; any other failure: 1,
 *   reported through the error reporter (stderr by default).
 * - A synchronous throw from `main` is a failure like any other: everything stops and the
 *   exit code is 1 (Twisted lets the exception escape `react` and leaves the reactor as
 *   it was).
 * - SIGINT/SIGTERM while `main` runs stop the reactor (the reactor's own handlers, with
 *   its graceful shutdown) and the exit code is 0, as in Twisted, even though `main` never
 *   finished.
 *
 * Nothing calls `process.exit`: `react` resolves with the exit code once the reactor has
 * stopped, and Node exits by itself when nothing else is pending, so buffered output
 * (stdout to a pipe) is not cut off.
 */
export async function react<R extends IReactorCore, A extends readonly unknown[]>(
  reactor: R,
  main: ReactMain<R, A>,
  ...argv: A
): Promise<number> {
  let outcome: { failure: Failure | null } | null = null;
  const finished: Deferred<unknown> = maybeDeferred(() => main(reactor, ...argv));
  const stop = (): void => {
    if (reactor.running) reactor.stop();
  };
  finished.addCallbacks(
    () => {
      outcome = { failure: null };
      if (reactor.running) stop();
      else reactor.callWhenRunning(stop);
      return null;
    },
    (failure) => {
      outcome = { failure };
      if (reactor.running) stop();
      else reactor.callWhenRunning(stop);
      return null;
    },
  );
  await reactor.run();
  const settled = outcome as { failure: Failure | null } | null;
  const code = settled === null ? 0 : exitCodeOf(settled.failure);
  process.exitCode = code;
  return code;
}
