/**
 * What `--workers` cannot run, refused before any worker is forked: a listener on a Unix
 * socket. `node:cluster` would share the socket itself (the primary binds the path), but
 * Torsion's Unix ports manage the socket file from the process that listens: each worker
 * would take the `<path>.lock` PID lock (the second one fails start-up), set the file's
 * mode, and remove the file when it stops listening, so one worker retiring during a
 * `SIGHUP` reload would unlink the path the others still serve.
 */
import type { IService } from "@torsion/core";
import { MultiService, StreamServerEndpointService } from "@torsion/application";
import { UNIXServerEndpoint } from "@torsion/endpoints";
import { RunnerUsageError } from "../errors.js";

/** The listeners of `service`'s tree that `--workers` cannot share (their descriptions). */
export function unsharableListeners(service: IService): string[] {
  if (service instanceof MultiService) return [...service].flatMap((child) => unsharableListeners(child));
  if (service instanceof StreamServerEndpointService && service.endpoint instanceof UNIXServerEndpoint) return [service.description];
  return [];
}

/**
 * Throws when `service` listens on a Unix socket (see the module comment).
 * @throws RunnerUsageError naming the listeners
 */
export function checkWorkersCanShare(service: IService): void {
  const unsharable = unsharableListeners(service);
  if (unsharable.length === 0) return;
  throw new RunnerUsageError(
    `--workers cannot share a Unix socket (${unsharable.join(", ")}): each worker would lock and remove the socket file itself; ` +
      "run the runner without --workers for Unix sockets, or listen on tcp: with --workers",
  );
}
