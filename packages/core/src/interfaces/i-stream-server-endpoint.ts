import type { Deferred } from "@torsion/defer";
import type { IListeningPort } from "./i-listening-port.js";
import type { IProtocolFactory } from "./i-protocol-factory.js";

/**
 * Somewhere to listen for stream connections (Twisted's `IStreamServerEndpoint`): a TCP
 * port, a Unix socket path, a TLS port, ... chosen by code or by a description string
 * (`serverFromString(reactor, "tcp:8080")`).
 */
export interface IStreamServerEndpoint {
  /**
   * Starts listening with `factory`: every accepted connection gets a protocol from
   * `factory.buildProtocol`. Never throws: the Deferred fires with the listening port
   * (already listening) or fails, usually with `CannotListenError`. May be called more
   * than once; each call opens another port.
   */
  listen(factory: IProtocolFactory): Deferred<IListeningPort>;
}
