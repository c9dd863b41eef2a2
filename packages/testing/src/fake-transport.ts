import { Failure } from "@torsion/defer";
import {
  ProducerAlreadyRegisteredError,
  endConnection,
  type CallbackResult,
  type IAddress,
  type IProducer,
  type IProtocol,
  type ITCPTransport,
} from "@torsion/core";

/** How far a {@link FakeTransport}'s write side is shut down (`loseWriteConnection`). */
export type WriteShutdown = "open" | "requested" | "done";

/** Options of {@link FakeTransport}. */
export interface FakeTransportOptions {
  /** What `getHost()` returns. */
  readonly hostAddress: IAddress;
  /** What `getPeer()` returns. */
  readonly peerAddress: IAddress;
  /** Whether this is the server end (informational, for log lines). @default false */
  readonly isServer?: boolean;
  /**
   * Pending-output size above which a streaming producer is paused (it is resumed once the
   * pump has drained the output), as the real transports do.
   * @default 65536
   */
  readonly highWaterMark?: number;
}

/**
 * One end of an in-memory connection, as Twisted's `iosim.FakeTransport`: writes are
 * buffered until an {@link IOPump} moves them to the other end. The pump also carries
 * out closes, so nothing here calls the protocol except {@link deliverConnectionLost}.
 *
 * - `loseConnection` closes once every written byte was pumped and any registered
 *   producer unregistered: both protocols then get `ConnectionDone`.
 * - `abortConnection` drops unsent bytes; on the next pump this protocol gets
 *   `ConnectionAborted` and the other `ConnectionLost`.
 * - `loseWriteConnection` half-closes once flushed (see `IOPump`).
 * - As a push producer, `pauseProducing` stops the pump from delivering data to this
 *   end's protocol until `resumeProducing`; `stopProducing` is `loseConnection`.
 * - As a consumer, a streaming producer is paused when more than `highWaterMark` bytes
 *   wait for the pump and resumed once they were delivered; a pull producer is asked for
 *   data once per pump round.
 * - Writes after `abortConnection` or `loseWriteConnection` are ignored, and so are
 *   writes after `loseConnection` unless a producer is still registered (the close waits
 *   for it to unregister, as on the real transports); non-bytes throw `TypeError`, and
 *   `writeSequence` checks every chunk before writing any.
 */
export class FakeTransport implements ITCPTransport {
  /** The protocol connected to this end. */
  readonly protocol: IProtocol;
  readonly isServer: boolean;
  /** The registered producer, or `null`. */
  producer: IProducer | null = null;
  /** Whether the registered producer is streaming; `null` when none. */
  streaming: boolean | null = null;
  /** Set by `loseConnection`/`abortConnection`. */
  disconnecting = false;
  /** Set by `abortConnection`. */
  aborted = false;
  /** Set once `connectionLost` was delivered to {@link protocol}. */
  disconnected = false;
  /** The write side's half-close state. */
  writeShutdown: WriteShutdown = "open";
  /** Set once the peer's half-close reached {@link protocol} (`readConnectionLost`). */
  readShutdown = false;
  /** Whether delivery to this end is paused (`pauseProducing`). */
  readingPaused = false;
  readonly #host: IAddress;
  readonly #peer: IAddress;
  #outgoing: Buffer[] = [];
  #outgoingBytes = 0;
  #producerPaused = false;
  readonly #highWaterMark: number;
  #tcpNoDelay = false;
  #tcpKeepAlive = false;

  constructor(protocol: IProtocol, options: FakeTransportOptions) {
    this.protocol = protocol;
    this.isServer = options.isServer ?? false;
    this.#host = options.hostAddress;
    this.#peer = options.peerAddress;
    this.#highWaterMark = options.highWaterMark ?? 65536;
  }

  /** Whether written bytes wait for the pump. */
  get hasPendingOutput(): boolean {
    return this.#outgoing.length > 0;
  }

  /** Takes every byte waiting for the pump (or `null` when none). Used by `IOPump`. */
  takeOutput(): Buffer | null {
    if (this.#outgoing.length === 0) return null;
    const data = Buffer.concat(this.#outgoing);
    this.#outgoing = [];
    this.#outgoingBytes = 0;
    return data;
  }

  /** Resumes a streaming producer paused at the high-water mark. Used by `IOPump`. */
  drained(): void {
    if (!this.#producerPaused || this.#outgoingBytes > this.#highWaterMark) return;
    this.#producerPaused = false;
    (this.producer as { resumeProducing?: () => void } | null)?.resumeProducing?.();
  }

  /** Puts bytes back in front of the queue (a pump stopped mid-delivery). Used by `IOPump`. */
  unshiftOutput(data: Buffer): void {
    if (data.length === 0) return;
    this.#outgoing.unshift(data);
    this.#outgoingBytes += data.length;
  }

  /** Drops every byte waiting for the pump. Used by `IOPump` when the connection dies. */
  discardOutput(): void {
    this.#outgoing = [];
    this.#outgoingBytes = 0;
  }

  write(data: Uint8Array): void {
    checkBytes(data);
    if (this.#closedForWriting() || data.length === 0) return;
    this.#outgoing.push(Buffer.from(data));
    this.#outgoingBytes += data.length;
    if (this.streaming === true && !this.#producerPaused && this.#outgoingBytes > this.#highWaterMark) {
      this.#producerPaused = true;
      (this.producer as { pauseProducing?: () => void } | null)?.pauseProducing?.();
    }
  }

  writeSequence(data: Iterable<Uint8Array>): void {
    const chunks = [...data];
    chunks.forEach(checkBytes);
    for (const chunk of chunks) this.write(chunk);
  }

  #closedForWriting(): boolean {
    if (this.disconnected || this.aborted || this.writeShutdown !== "open") return true;
    return this.disconnecting && this.producer === null;
  }

  loseConnection(): void {
    if (this.disconnected) return;
    this.disconnecting = true;
  }

  abortConnection(): void {
    if (this.disconnected || this.aborted) return;
    this.aborted = true;
    this.disconnecting = true;
    this.#outgoing = [];
  }

  loseWriteConnection(): void {
    if (this.writeShutdown === "open" && !this.disconnecting) this.writeShutdown = "requested";
  }

  getPeer(): IAddress {
    return this.#peer;
  }

  getHost(): IAddress {
    return this.#host;
  }

  getTcpNoDelay(): boolean {
    return this.#tcpNoDelay;
  }

  setTcpNoDelay(enabled: boolean): void {
    this.#tcpNoDelay = enabled;
  }

  getTcpKeepAlive(): boolean {
    return this.#tcpKeepAlive;
  }

  setTcpKeepAlive(enabled: boolean): void {
    this.#tcpKeepAlive = enabled;
  }

  /**
   * Registers a producer. A pull producer (`streaming` false) is asked for data once per
   * pump round. On a closed transport the producer is stopped at once.
   *
   * @throws ProducerAlreadyRegisteredError when one is already registered
   */
  registerProducer(producer: IProducer, streaming: boolean): void {
    if (this.producer !== null) throw new ProducerAlreadyRegisteredError();
    if (this.disconnected) {
      producer.stopProducing();
      return;
    }
    this.producer = producer;
    this.streaming = streaming;
  }

  /** Forgets the producer (a pending `loseConnection` may then proceed). */
  unregisterProducer(): void {
    this.producer = null;
    this.streaming = null;
    this.#producerPaused = false;
  }

  pauseProducing(): void {
    this.readingPaused = true;
  }

  resumeProducing(): void {
    this.readingPaused = false;
  }

  stopProducing(): void {
    this.loseConnection();
  }

  /**
   * Marks this end closed, stops a registered producer, and calls the protocol's
   * `connectionLost` with `reason` (any value: an async callback's failure is passed as
   * it is). Called once, by `IOPump`.
   *
   * @returns what `connectionLost` returned (the pump watches it)
   */
  deliverConnectionLost(reason: unknown): CallbackResult {
    if (this.disconnected) return undefined;
    this.disconnected = true;
    this.disconnecting = true;
    this.discardOutput();
    const producer = this.producer;
    this.producer = null;
    this.streaming = null;
    producer?.stopProducing();
    return endConnection(this.protocol, new Failure(reason));
  }
}

function checkBytes(data: unknown): void {
  if (!(data instanceof Uint8Array)) throw new TypeError(`write() takes bytes (Uint8Array/Buffer), not ${typeof data}`);
}
