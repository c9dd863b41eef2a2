import type { IAddress } from "../address.js";
import type { ITransport } from "./i-transport.js";

/**
 * A stream transport with TCP's extra controls (also provided by Unix stream sockets):
 * what `Protocol.transport` is by default. `A` types `getPeer()`/`getHost()` (see
 * {@link ITransport}).
 */
export interface ITCPTransport<A extends IAddress = IAddress> extends ITransport<A> {
  /**
   * Half-close: sends FIN once the write buffer drains; reading continues. A protocol that
   * implements `IHalfCloseableProtocol` gets `writeConnectionLost()` when it is done.
   */
  loseWriteConnection(): void;
  /**
   * Closes now, discarding queued output and stopping any registered producer. The
   * protocol gets `connectionLost` with `ConnectionAborted`. Idempotent.
   */
  abortConnection(): void;
  /** Whether Nagle's algorithm is disabled (TCP_NODELAY). */
  getTcpNoDelay(): boolean;
  setTcpNoDelay(enabled: boolean): void;
  /** Whether SO_KEEPALIVE is on. */
  getTcpKeepAlive(): boolean;
  setTcpKeepAlive(enabled: boolean): void;
  getPeer(): A;
  getHost(): A;
}
