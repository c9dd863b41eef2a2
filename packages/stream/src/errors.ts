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
