import type { Deferred } from "@torsion/defer";
import type { IAddress } from "../address.js";
import type { IProtocol } from "./i-protocol.js";
import type { IProtocolFactory } from "./i-protocol-factory.js";

/** A factory whose protocols are of type `P` (what `IStreamClientEndpoint.connect` takes). */
export interface IProtocolFactoryOf<P extends IProtocol> extends IProtocolFactory {
  buildProtocol(addr: IAddress): P | null;
}

/**
 * Somewhere to connect a stream to (Twisted's `IStreamClientEndpoint`): a TCP host and
 * port, a host name tried address by address, a Unix socket path, TLS over any of these,
 * ... chosen by code or by a description string (`clientFromString(reactor, "tcp:h:80")`).
 */
export interface IStreamClientEndpoint {
  /**
   * Makes one connection attempt with `factory`. Never throws. The Deferred fires with
   * the protocol `factory.buildProtocol` returned, after that protocol's `connectionMade`
   * has run. It fails with the connect error (a `ConnectError` subclass such as
   * `ConnectionRefusedError`, `TimeoutError` or `DNSLookupError`), with `NoProtocol`
   * when `buildProtocol` returns `null`, or with what `buildProtocol` threw.
   *
   * Cancelling the Deferred before it fires aborts the attempt; it then fails with
   * `ConnectingCancelledError`. The factory's client hooks (`clientConnectionFailed`,
   * ...) are not called: the Deferred carries the outcome.
   */
  connect<P extends IProtocol>(factory: IProtocolFactoryOf<P>): Deferred<P>;
}
