/** Running a service on a reactor until it stops (Twisted's `twist` runner loop). */
import createDebug from "debug";
import type { IReactorCore, IService } from "@torsion/core";
import { maybeDeferred, type Deferred, type Failure } from "@torsion/defer";
import type { Logger } from "@torsion/logger";
import { ExitStatus, exitStatusFor } from "./exit-status.js";

const debug = createDebug("torsion:cli:run-service");

/** What {@link runService} needs. */
export interface RunServiceOptions {
  readonly reactor: IReactorCore;
  readonly service: IService;
  readonly log: Logger;
  /** Called once the service has started (a worker tells the primary it is ready). */
  readonly onStarted?: () => void;
}

/**
 * Starts `service` once the reactor runs, stops it before the reactor shuts down (on
 * SIGINT/SIGTERM, with the reactor's grace for each connection), and resolves with the
 * exit status: `EX_OK` after a normal stop, or the status of the start-up failure (logged
 * at `critical`), after which the reactor is stopped.
 */
export async function runService(options: RunServiceOptions): Promise<number> {
  const { reactor, service, log } = options;
  let status: number = ExitStatus.EX_OK;
  reactor.addSystemEventTrigger("before", "shutdown", () => (service.running ? service.stopService() : undefined));
  reactor.callWhenRunning(() => {
    startService(service).addCallbacks(
      () => {
        debug("service started");
        options.onStarted?.();
        return null;
      },
      (failure: Failure) => {
        status = exitStatusFor(failure);
        log.failure("start-up failed: {message}", failure, { message: failure.getErrorMessage() });
        if (reactor.running) reactor.stop();
        return null;
      },
    );
  });
  await reactor.run();
  debug("reactor stopped, exit status %d", status);
  return status;
}

/** `privilegedStartService` then `startService`, as one Deferred (failing if either does). */
export function startService(service: IService): Deferred<unknown> {
  return maybeDeferred(() => service.privilegedStartService()).addCallback(() => maybeDeferred(() => service.startService()));
}
