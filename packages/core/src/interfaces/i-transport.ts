import type { IAddress } from "../address.js";
import type { IConsumer } from "./i-consumer.js";
import type { IPushProducer } from "./i-producer.js";

/**
 * A connection's sending side and its controls, as handed to `IProtocol.makeConnection`.
 *
 * Every Torsion transport is also an {@link IConsumer} (register a producer to stream
 * into it with flow control) and an {@link IPushProducer} (pause it to stop reading).
 *
 * `A` is the type of the addresses `getPeer()`/`getHost()` return: `IPAddress` over TCP,
 * `UNIXAddress` over a Unix socket; `IAddress` (the default) when the protocol may run
 * over either.
 */
export interface ITransport<A extends IAddress = IAddress> extends IConsumer, IPushProducer {
  /**
   * Queues `data` (a `Uint8Array`/`Buffer`) for sending, in order, without blocking and
   * without losing it unless the connection dies. Anything other than bytes throws
   * `TypeError`. After `abortConnection`, and after `loseConnection` once no producer is
   * registered, writes are silently ignored (while a registered producer holds the close
   * back, its writes are still accepted and flushed before the close).
   * The transport may hold on to `data` until it is sent: treat a written buffer as
   * handed over and do not modify it afterwards.
   */
  write(data: Uint8Array): void;
  /**
   * Writes each buffer in order, as one batch (no concatenation needed by the caller).
   * Every element is checked first: one non-bytes element throws `TypeError` and nothing
   * is written.
   */
  writeSequence(data: Iterable<Uint8Array>): void;
  /**
   * Closes the connection after every queued byte is flushed. If a producer is
   * registered, the close waits until it unregisters (its remaining writes are still
   * sent), then flushes and closes. The protocol then gets `connectionLost` with
   * `ConnectionDone`. Idempotent.
   */
  loseConnection(): void;
  /**
   * True from the first `loseConnection()` or `abortConnection()` call on (and once the
   * connection has closed, whoever closed it); never false again. Framing protocols stop
   * delivering frames as soon as it is true, so nothing is handled after a handler asked
   * to close. Read-only for protocols.
   */
  readonly disconnecting: boolean;
  /** The address of the other end. Stays valid after close. */
  getPeer(): A;
  /** The address of this end. Stays valid after close. */
  getHost(): A;
}
