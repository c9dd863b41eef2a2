/**
 * Errors specific to `@torsion/udp`. Errors shared by every transport (`MessageLengthError`,
 * `MulticastJoinError`, `CannotListenError`, `InvalidAddressError`, `NotListeningError`) come
 * from the catalogue in `@torsion/core`.
 */
import { TorsionError } from "@torsion/defer";

/**
 * A UDP socket reported an error after the call that caused it had returned: a failed
 * `sendmsg` (for example `EACCES` when sending to a broadcast address without
 * `setBroadcastAllowed(true)`, or `ENETUNREACH`) or a failed receive. It is handed to the
 * host's `reportError`; the port keeps serving. `cause` is the Node system error.
 */
export class DatagramSocketError extends TorsionError {
  override name = "DatagramSocketError";
  override readonly code: string = "ERR_DATAGRAM_SOCKET";
}

/** `connect()` on a UDP port that is already connected (Twisted raises `RuntimeError`). */
export class AlreadyConnectedError extends TorsionError {
  override name = "AlreadyConnectedError";
  override readonly code: string = "ERR_UDP_ALREADY_CONNECTED";
  constructor(message = "The UDP port is already connected; reconnecting is not supported.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `startListening()` on a UDP port that is already listening or still closing. */
export class AlreadyListeningError extends TorsionError {
  override name = "AlreadyListeningError";
  override readonly code: string = "ERR_UDP_ALREADY_LISTENING";
  constructor(message = "The UDP port is already listening (or still closing).", options?: ErrorOptions) {
    super(message, options);
  }
}
