/**
 * Errors of `@torsion/stream`. Connection reasons (`ConnectionDone`, `ConnectionLost`, ...),
 * connect/bind errors and the contract errors (`ProducerAlreadyRegisteredError`,
 * `ConnectorBusyError`, `AlreadyListeningError`) live in `@torsion/core`, so the fakes of
 * `@torsion/testing` throw the same classes; the last three are re-exported here for
 * existing imports.
 */
export { AlreadyListeningError, ConnectorBusyError, ProducerAlreadyRegisteredError } from "@torsion/core";
import { TorsionError } from "@torsion/defer";

/**
 * A listening port could not accept connections (Twisted's "Could not accept new
 * connection"): usually `EMFILE`/`ENFILE`, the process or the system is out of file
 * descriptors, and connections are refused meanwhile. Reported through the host at most
 * once per second per port; `count` says how many accepts failed since the previous
 * report, `cause` is the last system error. (libuv itself refuses the connections it
 * cannot accept for lack of descriptors, without telling Node; Torsion sees that
 * condition when an accepted connection takes the last free descriptor, and counts those
 * accepts. Accept errors Node does report are counted one by one.)
 */
export class AcceptError extends TorsionError {
  override name = "AcceptError";
  override readonly code: string = "ERR_ACCEPT";
  /** How many accepts failed since the previous report (at least 1). */
  readonly count: number;
  /** The system error code of the last failure, e.g. `"EMFILE"`. */
  readonly errno: string;
  constructor(errno: string, count: number, options?: ErrorOptions) {
    super(`Could not accept new connection (${errno}): ${count} time${count === 1 ? "" : "s"} since the last report`, options);
    this.count = count;
    this.errno = errno;
  }
}
