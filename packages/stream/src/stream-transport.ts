import type net from "node:net";
import createDebug from "debug";
import { Failure } from "@torsion/defer";
import {
  ConnectionAborted,
  ConnectionDone,
  ConnectionLost,
  isHalfCloseable,
  type IAddress,
  type IHalfCloseableProtocol,
  type IProducer,
  type IProtocol,
  type ITCPTransport,
  type ITransportHost,
} from "@torsion/core";
import { ProducerAlreadyRegisteredError } from "./errors.js";
import { ProducerSlot } from "./producer-slot.js";
import { AdaptiveReadBuffer } from "./adaptive-read-buffer.js";
import type { OnRead } from "./node-internals.js";

const debug = createDebug("torsion:tcp:stream-transport");

/**
 * The reason of every clean close, shared as in Twisted (`main.CONNECTION_DONE`): building
 * an Error (with its stack) per connection is a measurable part of connection churn.
 * Frozen, so no protocol can alter what the next connection sees.
 */
export const CONNECTION_DONE: Failure = Object.freeze(new Failure(Object.freeze(new ConnectionDone())));

/** Default write-buffer high-water mark: a streaming producer is paused above it. */
export const DEFAULT_HIGH_WATER_MARK = 64 * 1024;

/** What {@link StreamTransport.attach} needs to know about the connected socket. */
export interface AttachOptions {
  /** Whether the socket was created with {@link StreamTransport.onread}. */
  readonly fastPath: boolean;
  /** Whether TCP_NODELAY is on (as set by the port or connector). */
  readonly noDelay: boolean;
  /** The remote end, as `getPeer()` reports it. */
  readonly peer: IAddress;
  /** The local end, as `getHost()` reports it. */
  readonly local: IAddress;
}

/** Options of {@link StreamTransport}. */
export interface StreamTransportOptions {
  /** Reports errors thrown by protocol callbacks; closes the connection on `reactor.stop()`. */
  readonly host: ITransportHost;
  /** Write-buffer size (bytes) above which a streaming producer is paused. @default 65536 */
  readonly highWaterMark?: number;
  /** Whether `abortConnection` sends a TCP reset (TCP sockets only). @default false */
  readonly resetOnAbort?: boolean;
  /** Called once after the protocol's `connectionLost` (connector and port bookkeeping). */
  readonly onClosed?: (reason: Failure) => void;
}

type Phase = "new" | "open" | "closed";

/**
 * The one stream transport of Torsion, around a `net.Socket` (TCP or Unix).
 *
 * Life: construct, create the socket with {@link StreamTransport.onread} (fast path) or
 * without it (`'data'` events), then {@link StreamTransport.attach} it with the protocol,
 * which calls `protocol.makeConnection(this)`. `connectionLost` follows exactly once,
 * when the socket has closed, with `ConnectionDone` (clean close by either side),
 * `ConnectionAborted` (`abortConnection`), `ConnectionLost` carrying the system error as
 * `cause` (reset, error), or the error a protocol callback threw.
 *
 * Received buffers belong to the protocol (see `read-buffer-pool.ts`); an idle connection
 * holds no read memory of its own (see `adaptive-read-buffer.ts`). `noDelay` is set
 * by the port/connector (on by default for TCP). Output: `write` queues on the socket;
 * above `highWaterMark` a streaming producer is paused and resumed on `'drain'`; a pull
 * producer is asked for more each time the output buffer is empty.
 *
 * `loseConnection()` stops delivering data, waits for a registered producer to
 * unregister (the producer's writes are still accepted meanwhile; every other write is
 * ignored), flushes, closes, and reports `ConnectionDone`.
 */
export class StreamTransport implements ITCPTransport {
  readonly #host: ITransportHost;
  #peer: IAddress = UNKNOWN;
  #local: IAddress = UNKNOWN;
  #unregister: (() => void) | null = null;
  /** For `reactor.stop()`: connections are closed after ports. */
  readonly kind = "connection" as const;
  readonly #highWaterMark: number;
  readonly #resetOnAbort: boolean;
  readonly #onClosed: ((reason: Failure) => void) | undefined;
  #socket: net.Socket | null = null;
  #protocol: IProtocol | null = null;
  #halfCloseable: IHalfCloseableProtocol | null = null;
  #phase: Phase = "new";
  #disconnecting = false;
  #writeClosed = false;
  #readClosed = false;
  #waitingForProducer = false;
  #finishListened = false;
  #reason: Failure | null = null;
  /** Read buffers of the fast path (sized per read; see `adaptive-read-buffer.ts`). */
  readonly #reads = new AdaptiveReadBuffer();
  /** Created by the first `registerProducer` (most connections never have a producer). */
  #producers: ProducerSlot | null = null;
  #readingPaused = false;
  #noDelay = false;
  #keepAlive = false;
  #onread: OnRead | null = null;

  constructor(options: StreamTransportOptions) {
    this.#host = options.host;
    this.#highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.#resetOnAbort = options.resetOnAbort ?? false;
    this.#onClosed = options.onClosed;
  }

  /** The `onread` option to create the socket with (fast path). Read once, at creation. */
  get onread(): OnRead {
    if (this.#onread === null) this.#onread = { buffer: () => this.#reads.next(), callback: this.#onRead };
    return this.#onread;
  }

  /** The write-buffer high-water mark, for the socket's `writableHighWaterMark`. */
  get highWaterMark(): number {
    return this.#highWaterMark;
  }

  /** The protocol, once attached; `null` again after `connectionLost` (nothing retains it). */
  get protocol(): IProtocol | null {
    return this.#protocol;
  }

  /** Whether the connection has closed (`connectionLost` ran or is running). */
  /** True from the first `loseConnection`/`abortConnection` on, and once closed (see `ITransport`). */
  get disconnecting(): boolean {
    return this.#disconnecting || this.#phase === "closed";
  }

  get closed(): boolean {
    return this.#phase === "closed";
  }

  /**
   * Takes over `socket` (connected), registers with the host (so `reactor.stop()` closes
   * it) and calls `protocol.makeConnection(this)`. Called once. Without
   * `options.fastPath`, `'data'` events are used.
   */
  attach(socket: net.Socket, protocol: IProtocol, options: AttachOptions): void {
    this.#socket = socket;
    this.#protocol = protocol;
    this.#phase = "open";
    this.#noDelay = options.noDelay;
    this.#peer = options.peer;
    this.#local = options.local;
    const fastPath = options.fastPath;
    this.#unregister = this.#host.registerResource(this);
    if (isHalfCloseable(protocol)) this.#halfCloseable = protocol;
    socket.on("end", this.#onEnd);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
    if (!fastPath) socket.on("data", (data: Buffer) => this.#deliver(data));
    this.#guard("makeConnection", () => protocol.makeConnection(this));
  }

  // ---- ITransport: writing -------------------------------------------------------

  /** Queues `data`; `TypeError` for non-bytes; ignored once closing (see class doc). */
  write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) throw new TypeError(`write() takes bytes (Uint8Array), not ${describe(data)}`);
    if (!this.#writable()) return;
    if (data.byteLength === 0) return;
    const ok = (this.#socket as net.Socket).write(data);
    if (!ok) this.#producers?.bufferFull();
  }

  /** Writes every buffer in order as one batch (corked: one `writev`). */
  writeSequence(data: Iterable<Uint8Array>): void {
    const items = Array.isArray(data) ? (data as Uint8Array[]) : Array.from(data);
    for (const item of items) {
      if (!(item instanceof Uint8Array)) throw new TypeError(`writeSequence() takes bytes (Uint8Array), not ${describe(item)}`);
    }
    if (!this.#writable()) return;
    const socket = this.#socket as net.Socket;
    socket.cork();
    let ok = true;
    for (const item of items) if (item.byteLength > 0) ok = socket.write(item);
    socket.uncork();
    if (!ok) this.#producers?.bufferFull();
  }

  #writable(): boolean {
    if (this.#phase !== "open" || this.#writeClosed) return false;
    return !this.#disconnecting || this.#waitingForProducer;
  }

  // ---- closing ------------------------------------------------------------------

  /** Flushes (after a registered producer unregisters), then closes: `ConnectionDone`. */
  loseConnection(): void {
    if (this.#phase !== "open" || this.#disconnecting) return;
    this.#disconnecting = true;
    if ((this.#producers?.producer ?? null) === null) this.#flushAndClose();
    else this.#waitingForProducer = true;
  }

  /** Half-close: FIN after the queued bytes; `writeConnectionLost` once sent. */
  loseWriteConnection(): void {
    if (this.#phase !== "open" || this.#disconnecting || this.#writeClosed) return;
    this.#writeClosed = true;
    this.#end();
  }

  /** Ends the write side; `'finish'` is listened to only from here on (cheap setup). */
  #end(): void {
    const socket = this.#socket as net.Socket;
    if (!this.#finishListened) {
      this.#finishListened = true;
      socket.on("finish", this.#onFinish);
    }
    socket.end();
  }

  /** Closes now, dropping queued output: `ConnectionAborted`. Idempotent. */
  abortConnection(): void {
    if (this.#phase !== "open") return;
    this.#destroy(new ConnectionAborted());
  }

  #flushAndClose(): void {
    const socket = this.#socket as net.Socket;
    if (this.#reason === null) this.#reason = CONNECTION_DONE;
    if (socket.writableFinished || socket.writableEnded) {
      if (socket.writableFinished) socket.destroy();
      else if (!this.#finishListened) {
        this.#finishListened = true;
        socket.on("finish", this.#onFinish);
      }
      return;
    }
    this.#end();
  }

  #destroy(reason: Error): void {
    const socket = this.#socket as net.Socket;
    if (this.#reason === null || !(this.#reason.value instanceof ConnectionLost)) this.#reason = new Failure(reason);
    this.#disconnecting = true;
    if (this.#resetOnAbort && typeof socket.resetAndDestroy === "function" && !socket.destroyed) {
      try {
        socket.resetAndDestroy();
        return;
      } catch (error) {
        debug("resetAndDestroy failed: %O", error);
      }
    }
    socket.destroy();
  }

  // ---- socket events ------------------------------------------------------------

  readonly #onRead = (bytesRead: number, buffer: Uint8Array): boolean => {
    this.#deliver(this.#reads.take(bytesRead, buffer as Buffer));
    return true;
  };

  #deliver(data: Buffer): void {
    if (this.#phase !== "open" || this.#disconnecting) return;
    const protocol = this.#protocol as IProtocol;
    try {
      protocol.dataReceived(data);
    } catch (error) {
      this.#callbackFailed("dataReceived", error);
    }
  }

  readonly #onEnd = (): void => {
    this.#readClosed = true;
    if (this.#phase !== "open" || this.#disconnecting) return;
    if (this.#halfCloseable !== null) {
      const protocol = this.#halfCloseable;
      this.#guard("readConnectionLost", () => protocol.readConnectionLost());
      return;
    }
    // Not half-closeable: close now (flushing what is queued; a registered producer is
    // stopped on close rather than waited for, since the peer has gone).
    this.#disconnecting = true;
    this.#waitingForProducer = false;
    this.#flushAndClose();
  };

  readonly #onFinish = (): void => {
    const socket = this.#socket as net.Socket;
    if (this.#disconnecting) {
      socket.destroy();
      return;
    }
    if (this.#writeClosed && this.#halfCloseable !== null && this.#phase === "open") {
      const protocol = this.#halfCloseable;
      this.#guard("writeConnectionLost", () => protocol.writeConnectionLost());
    }
  };

  readonly #onError = (error: Error): void => {
    debug("socket error: %s", error.message);
    if (this.#reason === null || this.#reason.value instanceof ConnectionDone) {
      this.#reason = new Failure(new ConnectionLost(`Connection lost: ${error.message}`, { cause: error }));
    }
  };

  readonly #onClose = (): void => {
    if (this.#phase === "closed") return;
    this.#phase = "closed";
    const reason = this.#reason ?? (this.#readClosed && this.#writeClosed ? CONNECTION_DONE : new Failure(new ConnectionLost()));
    this.#reads.close();
    const producer = this.#producers?.clear() ?? null;
    if (producer !== null) this.#guard("stopProducing", () => producer.stopProducing());
    const protocol = this.#protocol as IProtocol;
    try {
      protocol.connectionLost(reason);
    } catch (error) {
      this.#host.reportError(error, "Unhandled error in protocol.connectionLost");
    }
    this.#release();
    if (this.#onClosed !== undefined) this.#onClosed(reason);
  };

  /**
   * After close: unregisters and drops the references to the protocol and the producer.
   * Node keeps a closed socket (and what its listeners reach) alive until its handle is
   * collected, so what is dropped here does not survive into the old generation.
   */
  #release(): void {
    const unregister = this.#unregister;
    this.#unregister = null;
    if (unregister !== null) unregister();
    this.#protocol = null;
    this.#halfCloseable = null;
    this.#producers = null;
  }

  #guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#callbackFailed(what, error);
    }
  }

  #callbackFailed(what: string, error: unknown): void {
    this.#host.reportError(error, `Unhandled error in ${what} (${String(this.#peer)})`);
    if (this.#phase !== "open") return;
    const reason = error instanceof Error ? error : new Error(String(error));
    this.#reason = new Failure(reason);
    this.#disconnecting = true;
    (this.#socket as net.Socket).destroy();
  }

  // ---- IConsumer ------------------------------------------------------------------

  /**
   * Registers a producer. Streaming: paused above the high-water mark, resumed on drain.
   * Pull: `resumeProducing()` on the next turn and again each time the output is empty.
   * After close: `stopProducing()` at once. A second producer throws.
   */
  registerProducer(producer: IProducer, streaming: boolean): void {
    if (this.#producers !== null && this.#producers.producer !== null) throw new ProducerAlreadyRegisteredError();
    if (this.#phase === "closed" || this.#socket === null) {
      producer.stopProducing();
      return;
    }
    this.#producers ??= new ProducerSlot({ isOpen: () => this.#phase === "open", guard: (what, fn) => this.#guard(what, fn) });
    this.#producers.register(this.#socket, producer, streaming, this.#highWaterMark);
  }

  /** Detaches the producer; a pending `loseConnection` then flushes and closes. */
  unregisterProducer(): void {
    if (this.#producers === null || this.#producers.clear() === null) return;
    if (this.#waitingForProducer && this.#phase === "open") {
      this.#waitingForProducer = false;
      this.#flushAndClose();
    }
  }

  // ---- IPushProducer (the transport as a producer of received data) ---------------

  /** Stops reading from the socket (the peer is throttled by TCP flow control). */
  pauseProducing(): void {
    if (this.#phase !== "open" || this.#readingPaused) return;
    this.#readingPaused = true;
    (this.#socket as net.Socket).pause();
  }

  /** Resumes reading after {@link pauseProducing}. */
  resumeProducing(): void {
    if (this.#phase !== "open" || !this.#readingPaused) return;
    this.#readingPaused = false;
    (this.#socket as net.Socket).resume();
  }

  /** The consumer of our data is gone: close the connection (`loseConnection`). */
  stopProducing(): void {
    this.loseConnection();
  }

  // ---- addresses and socket options -----------------------------------------------

  getPeer(): IAddress {
    return this.#peer;
  }

  getHost(): IAddress {
    return this.#local;
  }

  getTcpNoDelay(): boolean {
    return this.#noDelay;
  }

  setTcpNoDelay(enabled: boolean): void {
    this.#noDelay = enabled;
    if (this.#phase === "open") (this.#socket as net.Socket).setNoDelay(enabled);
  }

  getTcpKeepAlive(): boolean {
    return this.#keepAlive;
  }

  setTcpKeepAlive(enabled: boolean): void {
    this.#keepAlive = enabled;
    if (this.#phase === "open") (this.#socket as net.Socket).setKeepAlive(enabled);
  }

  /**
   * For `reactor.stop()`: `loseConnection`, then abort if still open after
   * `graceSeconds`. Resolves once closed.
   */
  shutdown(graceSeconds: number): Promise<void> {
    if (this.#phase !== "open" || this.#socket === null) return Promise.resolve();
    const socket = this.#socket;
    return new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      this.loseConnection();
      const timer = this.#host.callLater(graceSeconds, () => this.abortConnection());
      socket.once("close", () => {
        if (timer.active()) timer.cancel();
      });
    });
  }

  toString(): string {
    return `<StreamTransport peer=${String(this.#peer)} ${this.#phase}>`;
  }
}

const UNKNOWN: IAddress = { equals: (other) => other === UNKNOWN, toString: () => "<not connected>" };

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}
