import { Failure } from "@torsion/defer";
import {
  ConnectionAborted,
  ConnectionDone,
  endConnection,
  IPv4Address,
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
 * `connectionLost` (use {@link StringTransportWithDisconnection} for that). Writes keep
 * being recorded after either.
 */
export class StringTransport implements ITCPTransport {
  /** Set by `loseConnection` (and `abortConnection`). */
  disconnecting = false;
  /** Set by `abortConnection`. */
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
   * Records a copy of `data`.
   *
   * @throws TypeError when `data` is not a `Uint8Array` (strings are rejected)
   */
  write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`write() takes bytes (Uint8Array/Buffer), not ${typeof data}`);
    }
    this.#chunks.push(Buffer.from(data));
  }

  /** Records each buffer in order, as {@link write}. */
  writeSequence(data: Iterable<Uint8Array>): void {
    for (const chunk of data) this.write(chunk);
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
   * Records `producer` and `streaming`.
   *
   * @throws ProducerStateError when a producer is already registered
   */
  registerProducer(producer: IProducer, streaming: boolean): void {
    if (this.producer !== null) throw new ProducerStateError("Cannot register two producers");
    this.producer = producer;
    this.streaming = streaming;
  }

  /**
   * Forgets the producer.
   *
   * @throws ProducerStateError when none is registered (as Twisted's StringTransport)
   */
  unregisterProducer(): void {
    if (this.producer === null) {
      throw new ProducerStateError("Cannot unregister a producer unless one is registered");
    }
    this.producer = null;
    this.streaming = null;
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
 * A {@link StringTransport} that tells its {@link protocol} about closes:
 * `loseConnection` calls `protocol.connectionLost(Failure(ConnectionDone))` and
 * `abortConnection` calls it with `ConnectionAborted`, once in all (the first of either
 * wins; later calls only set the flags). Set {@link protocol} before closing; without one
 * the close is only recorded.
 */
export class StringTransportWithDisconnection extends StringTransport {
  /** The protocol to notify; set it (usually to the protocol given to makeConnection). */
  protocol: IProtocol | null = null;
  #notified = false;

  override loseConnection(): void {
    super.loseConnection();
    this.#notify(new ConnectionDone());
  }

  override abortConnection(): void {
    super.abortConnection();
    this.#notify(new ConnectionAborted());
  }

  #notify(reason: Error): void {
    if (this.#notified || this.protocol === null) return;
    this.#notified = true;
    endConnection(this.protocol, new Failure(reason));
  }
}
