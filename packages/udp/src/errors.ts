/**
 * Errors specific to `@torsion/udp`. Errors shared by every transport (`MessageLengthError`,
 * `MulticastJoinError`, `CannotListenError`, `InvalidAddressError`, `NotListeningError`) come
 * from the catalogue in `@torsion/core`.
 */
import { AlreadyListeningError as CoreAlreadyListeningError } from "@torsion/core";
import { TorsionError } from "@torsion/defer";

/**
 * `AlreadyConnectedError` belongs to the `IUDPTransport` contract and lives in
 * `@torsion/core` (so `FakeDatagramTransport` throws the same class); re-exported here.
 */
export { AlreadyConnectedError } from "@torsion/core";

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

/** `startListening()` on a UDP port that is already listening or still closing. */
export class AlreadyListeningError extends CoreAlreadyListeningError {
  override name = "AlreadyListeningError";
  override readonly code: string = "ERR_UDP_ALREADY_LISTENING";
  constructor(message = "The UDP port is already listening (or still closing).", options?: ErrorOptions) {
    super(message, options);
  }
}
