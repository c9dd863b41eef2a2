import type { Deferred } from "@torsion/defer";
import type { IAddress } from "../address.js";

/**
 * A listening stream socket (`listenTCP`, `listenUNIX`). `A` is what `getHost()` returns:
 * `IPAddress` for `listenTCP`, `UNIXAddress` for `listenUNIX`.
 */
export interface IListeningPort<A extends IAddress = IAddress> {
  /**
   * Starts listening again after `stopListening` (a port returned by `listenTCP` already
   * listens). Throws `CannotListenError` when binding fails.
   */
  startListening(): void;
  /**
   * Stops accepting connections; established connections are not touched. The Deferred
   * fires once the socket is closed (and the factory's `doStop` ran). Calling it again
   * while closed returns an already-fired Deferred.
   */
  stopListening(): Deferred<void>;
  /** The bound address: after binding port 0 this reports the real port. */
  getHost(): A;
}
