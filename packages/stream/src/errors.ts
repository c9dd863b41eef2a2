/**
 * Errors of `@torsion/stream` that the core catalogue does not already cover. Connection
 * reasons (`ConnectionDone`, `ConnectionLost`, ...) and connect/bind errors come from
 * `@torsion/core`.
 */
import { TorsionError } from "@torsion/defer";

/** `registerProducer` was called while another producer is registered. */
export class ProducerAlreadyRegisteredError extends TorsionError {
  override name = "ProducerAlreadyRegisteredError";
  override readonly code: string = "ERR_PRODUCER_ALREADY_REGISTERED";
  constructor(message = "A producer is already registered with this transport; unregister it first.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `connect()` was called on a connector that is already connecting or connected. */
export class ConnectorBusyError extends TorsionError {
  override name = "ConnectorBusyError";
  override readonly code: string = "ERR_CONNECTOR_BUSY";
  constructor(message = "Can't connect in the current state; the connector must be disconnected.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `startListening()` was called on a port that is already listening. */
export class AlreadyListeningError extends TorsionError {
  override name = "AlreadyListeningError";
  override readonly code: string = "ERR_ALREADY_LISTENING";
  constructor(message = "The port is already listening.", options?: ErrorOptions) {
    super(message, options);
  }
}

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
