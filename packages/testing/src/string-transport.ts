import { Failure } from "@torsion/defer";
import {
  ConnectionAborted,
  ConnectionDone,
  endConnection,
  IPv4Address,
  ProducerAlreadyRegisteredError,
  type IAddress,
  type IProducer,
  type IProtocol,
  type ITCPTransport,
} from "@torsion/core";
import { ProducerStateError } from "./errors.js";

/** The state a {@link StringTransport} is in as a push producer (of incoming data). */
export const ProducerState = {
  producing: "producing",
  paused: "paused",
  stopped: "stopped",
} as const;
export type ProducerState = (typeof ProducerState)[keyof typeof ProducerState];

/** Options of {@link StringTransport}. */
export interface StringTransportOptions {
  /** What `getHost()` returns. @default IPv4Address("TCP", "127.0.0.1", 12345) */
  readonly hostAddress?: IAddress;
  /** What `getPeer()` returns. @default IPv4Address("TCP", "127.0.0.1", 54321) */
  readonly peerAddress?: IAddress;
  /**
   * When true, `pauseProducing`/`resumeProducing` are allowed after `loseConnection`
   * (Twisted's `lenient`). @default false
   */
  readonly lenient?: boolean;
}

/**
 * An in-memory {@link ITCPTransport} that records instead of sending, as Twisted's
 * `StringTransport`: connect a protocol to it with `protocol.makeConnection(transport)`,
 * feed it with `protocol.dataReceived(...)`, and inspect what it wrote with
 * {@link value}.
 *
 * Nothing is ever closed for real: `loseConnection` only sets {@link disconnecting} and
 * `abortConnection` sets {@link disconnected}; neither calls the protocol's
 * `connectionLost` (use {@link StringTransportWithDisconnection} for that).
 *
 * It keeps the `ITransport` contract wherever the contract speaks of the transport's own
 * behaviour (the stream-transport contract suite runs over it): non-bytes throw
 * `TypeError` and a `writeSequence` with one bad element records nothing; writes are
 * ignored after `abortConnection`, after `loseWriteConnection`, and after
 * `loseConnection` once no producer is registered (a registered producer holds the close
 * back and its writes are still recorded); at most one producer (a second throws
 * `ProducerAlreadyRegisteredError`); a producer registered on a closed transport is
 * stopped at once; `unregisterProducer` with none registered does nothing. Unlike a real
 * transport it has no buffer, so it never pauses a producer nor asks a pull producer
 * for data: the test drives producers itself.
 */
export class StringTransport implements ITCPTransport {
  /**
   * True from the first `loseConnection`/`abortConnection` call (or close) on, as
   * `ITransport.disconnecting`.
   */
  disconnecting = false;
  /** Set by `abortConnection` (and by a close, see `StringTransportWithDisconnection`). */
  disconnected = false;
  /** Set by `loseWriteConnection`. */
  writeDisconnecting = false;
  /** The registered producer, or `null`. */
  producer: IProducer | null = null;
  /** Whether the registered producer is streaming; `null` when none is registered. */
  streaming: boolean | null = null;
  /** This transport's own state as a push producer; changed by pause/resume/stopProducing. */
  producerState: ProducerState = ProducerState.producing;
  /** How many times `loseConnection` was called. */
  loseConnectionCalls = 0;
  readonly #host: IAddress;
  readonly #peer: IAddress;
  readonly #lenient: boolean;
  #chunks: Buffer[] = [];
  #tcpNoDelay = false;
  #tcpKeepAlive = false;

  constructor(options: StringTransportOptions = {}) {
    this.#host = options.hostAddress ?? new IPv4Address("TCP", "127.0.0.1", 12345);
    this.#peer = options.peerAddress ?? new IPv4Address("TCP", "127.0.0.1", 54321);
    this.#lenient = options.lenient ?? false;
  }

  /** Every byte written since construction or the last {@link clear}, as one Buffer. */
  value(): Buffer {
    if (this.#chunks.length !== 1) this.#chunks = [Buffer.concat(this.#chunks)];
    return Buffer.from(this.#chunks[0] ?? Buffer.alloc(0));
  }

  /** Forgets what was written so far. */
  clear(): void {
    this.#chunks = [];
  }

  /**
   * Records a copy of `data`, unless writing has ended (see the class description).
   *
   * @throws TypeError when `data` is not a `Uint8Array` (strings are rejected)
   */
  write(data: Uint8Array): void {
    checkBytes(data, "write");
    if (this.#writable()) this.#chunks.push(Buffer.from(data));
  }

  /**
   * Records each buffer in order, as {@link write}. Every element is checked first: one
   * that is not bytes throws `TypeError` and nothing is recorded.
   */
  writeSequence(data: Iterable<Uint8Array>): void {
    const chunks = [...data];
    for (const chunk of chunks) checkBytes(chunk, "writeSequence");
    if (this.#writable()) for (const chunk of chunks) this.#chunks.push(Buffer.from(chunk));
  }

  /** Whether writes are still recorded: not aborted or closed, write side open, no close pending without a producer. */
  #writable(): boolean {
    if (this.disconnected || this.writeDisconnecting) return false;
    return !this.disconnecting || this.producer !== null;
  }

  /** Sets {@link disconnecting}; nothing else happens. */
  loseConnection(): void {
    this.loseConnectionCalls++;
    this.disconnecting = true;
  }

  /** Sets {@link disconnected} and {@link disconnecting}; nothing else happens. */
  abortConnection(): void {
    this.disconnected = true;
    this.disconnecting = true;
  }

  /** Sets {@link writeDisconnecting}. */
  loseWriteConnection(): void {
    this.writeDisconnecting = true;
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
   * Records `producer` and `streaming`. On a transport that was aborted or closed
   * ({@link disconnected}), calls `producer.stopProducing()` at once instead.
   *
   * @throws ProducerAlreadyRegisteredError when a producer is already registered
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

  /**
   * Forgets the producer; does nothing when none is registered (the `IConsumer`
   * contract; Twisted's StringTransport raises there).
   */
  unregisterProducer(): void {
    if (this.producer === null) return;
    this.producer = null;
    this.streaming = null;
    this.producerUnregistered();
  }

  /** Called after a producer was unregistered; {@link StringTransportWithDisconnection} closes then. */
  protected producerUnregistered(): void {}

  /** Forgets and stops the registered producer, if any (the connection closed). */
  protected stopRegisteredProducer(): void {
    const producer = this.producer;
    if (producer === null) return;
    this.producer = null;
    this.streaming = null;
    producer.stopProducing();
  }

  /** Sets {@link producerState} to `"paused"`. Throws when stopped or disconnecting. */
  pauseProducing(): void {
    this.#checkProducerState("pause");
    this.producerState = ProducerState.paused;
  }

  /** Sets {@link producerState} to `"producing"`. Throws when stopped or disconnecting. */
  resumeProducing(): void {
    this.#checkProducerState("resume");
    this.producerState = ProducerState.producing;
  }

  /** Sets {@link producerState} to `"stopped"`. */
  stopProducing(): void {
    this.producerState = ProducerState.stopped;
  }

  #checkProducerState(action: string): void {
    if (this.producerState === ProducerState.stopped) {
      throw new ProducerStateError(`Cannot ${action} a producer that was stopped`);
    }
    if (this.disconnecting && !this.#lenient) {
      throw new ProducerStateError(`Cannot ${action} producing after loseConnection`);
    }
  }
}

/**
 * A {@link StringTransport} that closes: `loseConnection` calls
 * `protocol.connectionLost(Failure(ConnectionDone))` (once a registered producer has
 * unregistered, as the contract says), `abortConnection` calls it with
 * `ConnectionAborted` at once, and {@link peerClosed} simulates the other side closing.
 * The protocol hears of one close only (the first wins; later calls only set the flags).
 * A close stops a producer that is still registered. Set {@link protocol} before
 * closing; without one the close is only recorded.
 */
export class StringTransportWithDisconnection extends StringTransport {
  /** The protocol to notify; set it (usually to the protocol given to makeConnection). */
  protocol: IProtocol | null = null;
  #closed = false;
  #closeReason: Error | null = null;

  /** True once the connection closed (the protocol got, or would have got, `connectionLost`). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The reason of the close (`ConnectionDone`, `ConnectionAborted`, or `peerClosed`'s), or `null` while open. */
  get closeReason(): Error | null {
    return this.#closeReason;
  }

  override loseConnection(): void {
    super.loseConnection();
    if (this.producer === null) this.#close(new ConnectionDone());
  }

  override abortConnection(): void {
    super.abortConnection();
    this.#close(new ConnectionAborted());
  }

  /**
   * The connection ended from the other side (or the network failed): marks this end
   * disconnected, stops a registered producer and tells the protocol
   * `connectionLost(reason)`, unless it was closed already.
   */
  peerClosed(reason: Error = new ConnectionDone()): void {
    this.disconnecting = true;
    this.disconnected = true;
    this.#close(reason);
  }

  protected override producerUnregistered(): void {
    if (this.disconnecting && !this.disconnected) this.#close(new ConnectionDone());
  }

  #close(reason: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeReason = reason;
    this.disconnected = true;
    this.stopRegisteredProducer();
    if (this.protocol !== null) endConnection(this.protocol, new Failure(reason));
  }
}

function checkBytes(data: unknown, method: string): void {
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(`${method}() takes bytes (Uint8Array/Buffer), not ${data === null ? "null" : typeof data}`);
  }
}
