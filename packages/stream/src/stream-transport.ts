import type net from "node:net";
import createDebug from "debug";
import { Failure } from "@torsion/defer";
import {
  ConnectionAborted,
  ConnectionDone,
  ConnectionLost,
  TLSNotLoadedError,
  borrowsReceivedData,
  checkedBuffer,
  endConnection,
  feedBufferedProtocol,
  isBufferedProtocol,
  isHalfCloseable,
  watchResult,
  type CallbackResult,
  type IAddress,
  type IBufferedProtocol,
  type IProducer,
  type IProtocol,
  type ITCPTransport,
  type ITransportHost,
} from "@torsion/core";
import { ProducerAlreadyRegisteredError } from "./errors.js";
import { ProducerSlot } from "./producer-slot.js";
import { AdaptiveReadBuffer } from "./adaptive-read-buffer.js";
import { MAX_READ_SIZE } from "./read-sizer.js";
import { beginLoan, endLoan, lending, noteQueued } from "./lent-read.js";
import { CLOSED, CONNECTION_DONE, PENDING, closing, opened, reasonAtClose, type TransportState } from "./transport-state.js";
import {
  checkedSequence,
  closeWithin,
  coalesce,
  COALESCE_LIMIT,
  DEFAULT_HIGH_WATER_MARK,
  describe,
  UNKNOWN,
  type AttachOptions,
  type StreamTransportOptions,
} from "./stream-transport-options.js";

export { CONNECTION_DONE } from "./transport-state.js";
export { DEFAULT_HIGH_WATER_MARK, type AttachOptions, type StreamTransportOptions } from "./stream-transport-options.js";

const debug = createDebug("torsion:stream:stream-transport");

/** How reads reach the protocol (decided at attach from what the protocol implements). */
const ReadMode = { owned: 0, borrowed: 1, buffered: 2 } as const;
type ReadMode = (typeof ReadMode)[keyof typeof ReadMode];

/**
 * The seam for a protocol layer that takes a connection over mid-stream (`startTLS`, see
 * {@link StreamTransport.interpose}): once interposed, the transport's own `write`,
 * `writeSequence`, `loseConnection`, `loseWriteConnection`, `abortConnection`,
 * `registerProducer`, `unregisterProducer`, `pauseProducing`, `resumeProducing`,
 * `getPeerCertificate` and `negotiatedProtocol` are the layer's.
 */
export interface TransportLayer {
  write(data: Uint8Array): void;
  writeSequence(data: Iterable<Uint8Array>): void;
  loseConnection(): void;
  loseWriteConnection(): void;
  abortConnection(): void;
  registerProducer(producer: IProducer, streaming: boolean): void;
  unregisterProducer(): void;
  pauseProducing(): void;
  resumeProducing(): void;
  getPeerCertificate?(): unknown;
  readonly negotiatedProtocol?: string | null;
}

/** What {@link StreamTransport.interpose} gives the layer: the transport underneath it. */
export interface InterposedTransport {
  /** The raw (below the layer) transport: writes go straight to the socket. */
  readonly raw: ITCPTransport;
  /** The producer that was registered (now unregistered), for the layer to take over. */
  readonly producer: { readonly producer: IProducer; readonly streaming: boolean } | null;
}

/** Implements `startTLS` for stream transports; registered by `@torsion/tls` when imported. */
export type TLSStarter = (
  transport: StreamTransport,
  contextFactory: object,
  normal: boolean,
  options: { readonly alreadyReceived?: Uint8Array },
) => void;

/**
 * The one stream transport of Torsion, around a `net.Socket` (TCP, Unix, or a socket a
 * binding wraps, such as TLS).
 *
 * Life (see `transport-state.ts`): constructed with its socket (`pending`), then
 * {@link StreamTransport.attach}ed to the protocol (`open`), which calls
 * `protocol.makeConnection(this)`; `loseConnection`, `abortConnection`, a failed callback
 * or a socket error make it `closing`; the socket's close makes it `closed` and calls
 * `connectionLost` exactly once, with `ConnectionDone` (clean close by either side),
 * `ConnectionAborted` (`abortConnection`), `ConnectionLost` carrying the system error as
 * `cause` (reset, error), or the error a protocol callback threw or its promise rejected
 * with (any value, through `Failure`). The transport alone enforces this order.
 *
 * Received buffers belong to the protocol (see `read-buffer-pool.ts`); an idle connection
 * holds no read memory of its own (see `adaptive-read-buffer.ts`). Output: `write` queues
 * on the socket; above `highWaterMark` a streaming producer is paused and resumed on
 * `'drain'`; a pull producer is asked for more each time the output buffer is empty.
 *
 * `loseConnection()` stops delivering data, waits for a registered producer to
 * unregister (the producer's writes are still accepted meanwhile; every other write is
 * ignored), flushes, closes, and reports `ConnectionDone`.
 */
export class StreamTransport implements ITCPTransport {
  /** For `reactor.stop()`: connections are closed after ports. */
  readonly kind = "connection" as const;
  readonly #host: ITransportHost;
  readonly #socket: net.Socket;
  readonly #highWaterMark: number;
  readonly #resetOnAbort: boolean;
  readonly #onClosed: ((reason: Failure) => void) | undefined;
  /** Whether the socket reads through `onread` (else `'data'` events). */
  readonly #fastPath: boolean;
  #state: TransportState = PENDING;
  #peer: IAddress = UNKNOWN;
  #local: IAddress = UNKNOWN;
  #unregister: (() => void) | null = null;
  /** Read buffers of the fast path (sized per read; see `adaptive-read-buffer.ts`). */
  readonly #reads = new AdaptiveReadBuffer();
  /** Created by the first `registerProducer` (most connections never have a producer). */
  #producers: ProducerSlot | null = null;
  #noDelay = false;
  #keepAlive = false;
  #side: "client" | "server" = "server";
  /** The layer interposed by `startTLS`, if any. */
  #layer: TransportLayer | null = null;
  #producerStreaming = false;
  /** `owned`: `dataReceived` gets bytes it owns; see `IBorrowingProtocol`, `IBufferedProtocol`. */
  #readMode: ReadMode = ReadMode.owned;
  /** Buffered mode: the buffer the protocol's last `getBuffer` returned (the socket reads into it). */
  #given: Uint8Array | null = null;

  /** Set by `@torsion/tls` when it is imported: what `startTLS` runs. */
  static tlsStarter: TLSStarter | null = null;

  constructor(options: StreamTransportOptions) {
    this.#host = options.host;
    this.#highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.#resetOnAbort = options.resetOnAbort ?? false;
    this.#onClosed = options.onClosed;
    const socket = options.socket;
    this.#fastPath = typeof socket === "function";
    this.#socket = typeof socket === "function" ? socket({ buffer: this.#nextBuffer, callback: this.#onRead }) : socket;
  }

  /** The socket (for the port or connector that made it). */
  get socket(): net.Socket {
    return this.#socket;
  }

  /** Whether the socket reads through `onread` (the fast path). */
  get fastPath(): boolean {
    return this.#fastPath;
  }

  /** The write-buffer high-water mark, for the socket's `writableHighWaterMark`. */
  get highWaterMark(): number {
    return this.#highWaterMark;
  }

  /** The protocol, once attached; `null` again after `connectionLost` (nothing retains it). */
  get protocol(): IProtocol | null {
    const state = this.#state;
    return state.phase === "open" || state.phase === "closing" ? state.protocol : null;
  }

  /** True from the first `loseConnection`/`abortConnection` on, and once closed (see `ITransport`). */
  get disconnecting(): boolean {
    const phase = this.#state.phase;
    return phase === "closing" || phase === "closed";
  }

  /** Whether the connection has closed (`connectionLost` ran or is running). */
  get closed(): boolean {
    return this.#state.phase === "closed";
  }

  /**
   * Attaches `protocol` to the (connected) socket, registers with the host (so
   * `reactor.stop()` closes it) and calls `protocol.makeConnection(this)`. Called once.
   */
  attach(protocol: IProtocol, options: AttachOptions): void {
    if (this.#state.phase !== "pending") throw new Error(`attach() called on a ${this.#state.phase} transport`);
    const socket = this.#socket;
    this.#state = opened(protocol, isHalfCloseable(protocol) ? protocol : null);
    this.#noDelay = options.noDelay;
    this.#peer = options.peer;
    this.#local = options.local;
    this.#side = options.side ?? "server";
    if (isBufferedProtocol(protocol)) this.#readMode = ReadMode.buffered;
    else if (this.#fastPath && borrowsReceivedData(protocol)) this.#readMode = ReadMode.borrowed;
    this.#unregister = this.#host.registerResource(this);
    socket.on("end", this.#onEnd);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
    if (!this.#fastPath) {
      socket.on("data", (data: Buffer) => {
        if (this.#readMode === ReadMode.buffered) this.#deliverCopy(data);
        else this.#deliver(data);
      });
      // A binding may have read from the socket in paused mode (a greeting): flow now.
      socket.resume();
    }
    try {
      const result = protocol.makeConnection(this);
      if (result !== undefined) this.#watch("connectionMade", result);
    } catch (error) {
      this.#callbackFailed("connectionMade", error);
    }
  }

  // ---- ITransport: writing -------------------------------------------------------

  /** Queues `data`; `TypeError` for non-bytes; ignored once closing (see class doc). */
  write(data: Uint8Array): void {
    if (this.#layer !== null) {
      this.#layer.write(data);
      return;
    }
    this.#rawWrite(data);
  }

  #rawWrite(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) throw new TypeError(`write() takes bytes (Uint8Array), not ${describe(data)}`);
    if (!this.#writable()) return;
    if (data.byteLength === 0) return;
    this.#afterWrite(this.#socket.write(data), data);
  }

  /**
   * Writes every buffer in order as one batch: one socket write either way. Up to
   * `COALESCE_LIMIT` bytes in all, the buffers are copied into one buffer (from Node's
   * shared pool below 4 KiB: no allocation of its own); beyond that they are corked into
   * one `writev` by reference. Every element is checked first: a bad one throws
   * `TypeError` and nothing is written.
   */
  writeSequence(data: Iterable<Uint8Array>): void {
    if (this.#layer !== null) {
      this.#layer.writeSequence(data);
      return;
    }
    this.#rawWriteSequence(data);
  }

  #rawWriteSequence(data: Iterable<Uint8Array>): void {
    const items = checkedSequence(data);
    if (!this.#writable()) return;
    let total = 0;
    let count = 0;
    let last: Uint8Array | null = null;
    for (const item of items) {
      const length = item.byteLength;
      if (length === 0) continue;
      total += length;
      count++;
      last = item;
    }
    if (last === null) return;
    const socket = this.#socket;
    if (count === 1 || total <= COALESCE_LIMIT) {
      this.#afterWrite(socket.write(count === 1 ? last : coalesce(items, total)), last);
      return;
    }
    socket.cork();
    let ok = true;
    for (const item of items) if (item.byteLength > 0) ok = socket.write(item);
    socket.uncork();
    if (!ok) this.#producers?.bufferFull();
    if (lending() && socket.writableLength > 0) for (const item of items) noteQueued(item);
  }

  /** After one socket write of `data`: pause a producer when full; pin a loan when queued. */
  #afterWrite(ok: boolean, data: Uint8Array): void {
    if (!ok) this.#producers?.bufferFull();
    if (lending() && this.#socket.writableLength > 0) noteQueued(data);
  }

  #writable(): boolean {
    const state = this.#state;
    if (state.phase === "open") return !state.writeClosed;
    return state.phase === "closing" && state.waitingForProducer && !state.writeClosed;
  }

  // ---- closing ------------------------------------------------------------------

  /** Flushes (after a registered producer unregisters), then closes: `ConnectionDone`. */
  loseConnection(): void {
    if (this.#layer !== null) {
      this.#layer.loseConnection();
      return;
    }
    this.#rawLoseConnection();
  }

  #rawLoseConnection(): void {
    const state = this.#state;
    if (state.phase !== "open") return;
    const waiting = (this.#producers?.producer ?? null) !== null;
    this.#state = closing(state, CONNECTION_DONE, waiting);
    if (!waiting) this.#flushAndClose();
  }

  /** Half-close: FIN after the queued bytes; `writeConnectionLost` once sent. */
  loseWriteConnection(): void {
    if (this.#layer !== null) {
      this.#layer.loseWriteConnection();
      return;
    }
    this.#rawLoseWriteConnection();
  }

  #rawLoseWriteConnection(): void {
    const state = this.#state;
    if (state.phase !== "open" || state.writeClosed) return;
    this.#state = { ...state, writeClosed: true };
    this.#end();
  }

  /** Ends the write side, once: only here is `socket.end()` called, and `'finish'` listened to. */
  #end(): void {
    this.#socket.on("finish", this.#onFinish);
    this.#socket.end();
  }

  /** Closes now, dropping queued output: `ConnectionAborted`. Idempotent. */
  abortConnection(): void {
    if (this.#layer !== null) {
      this.#layer.abortConnection();
      return;
    }
    this.#rawAbortConnection();
  }

  #rawAbortConnection(): void {
    const state = this.#state;
    if (state.phase !== "open" && state.phase !== "closing") return;
    const keep = state.phase === "closing" && state.reason.value instanceof ConnectionLost;
    this.#destroy(keep ? state.reason : new Failure(new ConnectionAborted()), this.#resetOnAbort);
  }

  #flushAndClose(): void {
    const socket = this.#socket;
    if (socket.writableFinished) socket.destroy();
    else if (!socket.writableEnded) this.#end();
    // Otherwise our FIN is queued (loseWriteConnection): #onFinish destroys once it is sent.
  }

  /** Closing with `reason`, now: the socket is destroyed (with a TCP reset if `reset`). */
  #destroy(reason: Failure, reset: boolean): void {
    const state = this.#state;
    if (state.phase !== "open" && state.phase !== "closing") return;
    this.#state = closing(state, reason);
    const socket = this.#socket;
    if (reset && typeof socket.resetAndDestroy === "function" && !socket.destroyed) {
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

  /** Node's `onread.buffer`: where the next read goes (called after each read). */
  readonly #nextBuffer = (): Uint8Array => {
    if (this.#readMode === ReadMode.buffered) {
      const given = this.#protocolBuffer();
      if (given !== null) return given;
    }
    return this.#reads.next();
  };

  /** Node's `onread.callback`: one read of `bytesRead` bytes into `buffer`. */
  readonly #onRead = (bytesRead: number, buffer: Uint8Array): boolean => {
    if (this.#readMode === ReadMode.owned) this.#deliver(this.#reads.take(bytesRead, buffer as Buffer));
    else this.#onSpecialRead(bytesRead, buffer as Buffer);
    return true;
  };

  #onSpecialRead(bytesRead: number, buffer: Buffer): void {
    if (this.#readMode === ReadMode.borrowed) {
      const data = this.#reads.borrow(bytesRead, buffer);
      beginLoan(data.buffer);
      this.#deliver(data);
      this.#reads.giveBack(endLoan());
      return;
    }
    const given = this.#given;
    this.#given = null;
    if (given !== null && buffer === given) this.#bufferUpdated(bytesRead);
    else this.#deliverCopy(this.#reads.take(bytesRead, buffer));
  }

  /** Buffered mode: the protocol's buffer for the next read, or `null` (not open, or it failed). */
  #protocolBuffer(): Uint8Array | null {
    const state = this.#state;
    if (state.phase !== "open") return null;
    try {
      const given = checkedBuffer((state.protocol as IBufferedProtocol).getBuffer(MAX_READ_SIZE));
      this.#given = given;
      return given;
    } catch (error) {
      this.#callbackFailed("getBuffer", error);
      return null;
    }
  }

  #bufferUpdated(bytesRead: number): void {
    const state = this.#state;
    if (state.phase !== "open") return;
    try {
      const result = (state.protocol as IBufferedProtocol).bufferUpdated(bytesRead);
      if (result !== undefined) this.#watch("bufferUpdated", result);
    } catch (error) {
      this.#callbackFailed("bufferUpdated", error);
    }
  }

  /** Buffered mode, for bytes read into the transport's memory: copied into the protocol's buffers. */
  #deliverCopy(data: Buffer): void {
    const state = this.#state;
    if (state.phase !== "open") return;
    try {
      const result = feedBufferedProtocol(state.protocol as IBufferedProtocol, data);
      if (result !== undefined) this.#watch("bufferUpdated", result);
    } catch (error) {
      this.#callbackFailed("bufferUpdated", error);
    }
  }

  #deliver(data: Buffer): void {
    const state = this.#state;
    if (state.phase !== "open") return;
    try {
      const result = state.protocol.dataReceived(data);
      if (result !== undefined) this.#watch("dataReceived", result);
    } catch (error) {
      this.#callbackFailed("dataReceived", error);
    }
  }

  readonly #onEnd = (): void => {
    const state = this.#state;
    if (state.phase === "closing" && state.waitingForProducer) {
      // The peer has gone while a producer held our close back: close now (stopping it).
      this.#state = closing(state, state.reason);
      this.#flushAndClose();
      return;
    }
    if (state.phase !== "open") return;
    const protocol = state.halfCloseable;
    if (protocol !== null) {
      this.#state = { ...state, readClosed: true };
      this.#call("readConnectionLost", () => protocol.readConnectionLost());
      return;
    }
    // Not half-closeable: close now (flushing what is queued; a registered producer is
    // stopped on close rather than waited for, since the peer has gone).
    this.#state = closing(state, CONNECTION_DONE);
    this.#flushAndClose();
  };

  readonly #onFinish = (): void => {
    const state = this.#state;
    if (state.phase === "closing") {
      this.#socket.destroy();
      return;
    }
    if (state.phase === "open" && state.halfCloseable !== null) {
      const protocol = state.halfCloseable;
      this.#call("writeConnectionLost", () => protocol.writeConnectionLost());
    }
  };

  readonly #onError = (error: Error): void => {
    debug("socket error: %s", error.message);
    const state = this.#state;
    if (state.phase !== "open" && !(state.phase === "closing" && state.reason.value instanceof ConnectionDone)) return;
    this.#state = closing(state, new Failure(new ConnectionLost(`Connection lost: ${error.message}`, { cause: error })));
  };

  readonly #onClose = (): void => {
    const state = this.#state;
    if (state.phase !== "open" && state.phase !== "closing") return;
    this.#state = CLOSED;
    this.#reads.close();
    const reason = reasonAtClose(state);
    if (debug.enabled) debug("connection to %s lost: %s", String(this.#peer), reason.getErrorMessage());
    const producer = this.#producers?.clear() ?? null;
    if (producer !== null) this.#call("stopProducing", () => producer.stopProducing());
    try {
      const result = endConnection(state.protocol, reason);
      if (result !== undefined) this.#watch("connectionLost", result);
    } catch (error) {
      this.#callbackFailed("connectionLost", error);
    }
    this.#release();
    if (this.#onClosed !== undefined) this.#onClosed(reason);
  };

  /**
   * After close: unregisters and drops the producer. (The protocol went with the state.)
   * Node keeps a closed socket (and what its listeners reach) alive until its handle is
   * collected, so what is dropped here does not survive into the old generation.
   */
  #release(): void {
    const unregister = this.#unregister;
    this.#unregister = null;
    if (unregister !== null) unregister();
    this.#producers = null;
  }

  // ---- failing callbacks ------------------------------------------------------------

  /** Runs a protocol/producer callback: a throw or a failed returned promise aborts. */
  #call(what: string, fn: () => CallbackResult): void {
    try {
      const result = fn();
      if (result !== undefined) this.#watch(what, result);
    } catch (error) {
      this.#callbackFailed(what, error);
    }
  }

  /** Watches what a callback returned: a failing promise/Deferred counts as a throw. */
  #watch(what: string, result: unknown): void {
    watchResult(result, (error) => this.#callbackFailed(what, error));
  }

  /** Reports `error` (any value) once, and aborts the connection with it unless closed. */
  #callbackFailed(what: string, error: unknown): void {
    this.#host.reportError(error, `Unhandled error in ${what} (${String(this.#peer)})`);
    this.#destroy(new Failure(error), false);
  }

  // ---- IConsumer ------------------------------------------------------------------

  /**
   * Registers a producer. Streaming: paused above the high-water mark, resumed on drain.
   * Pull: `resumeProducing()` on the next turn and again each time the output is empty.
   * After close: `stopProducing()` at once. A second producer throws.
   */
  registerProducer(producer: IProducer, streaming: boolean): void {
    if (this.#layer !== null) {
      this.#layer.registerProducer(producer, streaming);
      return;
    }
    this.#rawRegisterProducer(producer, streaming);
  }

  #rawRegisterProducer(producer: IProducer, streaming: boolean): void {
    if (this.#producers !== null && this.#producers.producer !== null) throw new ProducerAlreadyRegisteredError();
    const phase = this.#state.phase;
    if (phase !== "open" && phase !== "closing") {
      producer.stopProducing();
      return;
    }
    this.#producers ??= new ProducerSlot({ isOpen: () => !this.closed, guard: (what, fn) => this.#call(what, fn) });
    this.#producerStreaming = streaming;
    this.#producers.register(this.#socket, producer, streaming, this.#highWaterMark);
  }

  /** Detaches the producer; a pending `loseConnection` then flushes and closes. */
  unregisterProducer(): void {
    if (this.#layer !== null) {
      this.#layer.unregisterProducer();
      return;
    }
    this.#rawUnregisterProducer();
  }

  #rawUnregisterProducer(): void {
    if (this.#producers === null || this.#producers.clear() === null) return;
    const state = this.#state;
    if (state.phase === "closing" && state.waitingForProducer) {
      this.#state = closing(state, state.reason);
      this.#flushAndClose();
    }
  }

  // ---- IPushProducer (the transport as a producer of received data) ---------------

  /** Stops reading from the socket (the peer is throttled by TCP flow control). */
  pauseProducing(): void {
    if (this.#layer !== null) {
      this.#layer.pauseProducing();
      return;
    }
    this.#rawPauseProducing();
  }

  #rawPauseProducing(): void {
    const state = this.#state;
    if (state.phase !== "open" || state.paused) return;
    this.#state = { ...state, paused: true };
    this.#socket.pause();
  }

  /** Resumes reading after {@link pauseProducing}. */
  resumeProducing(): void {
    if (this.#layer !== null) {
      this.#layer.resumeProducing();
      return;
    }
    this.#rawResumeProducing();
  }

  #rawResumeProducing(): void {
    const state = this.#state;
    if (state.phase !== "open" || !state.paused) return;
    this.#state = { ...state, paused: false };
    this.#socket.resume();
  }

  /** The consumer of our data is gone: close the connection (`loseConnection`). */
  stopProducing(): void {
    this.loseConnection();
  }

  // ---- startTLS and interposed layers ----------------------------------------------

  /** Which side opened the connection: `"client"` (connected) or `"server"` (accepted). */
  get side(): "client" | "server" {
    return this.#side;
  }

  /** The host (reactor) this transport runs on: its clock and error reporter (for layers such as TLS). */
  get transportHost(): ITransportHost {
    return this.#host;
  }

  /** Twisted's `ITLSTransport.startTLS`; implemented by `@torsion/tls` (see `TLSStarter`). */
  startTLS(contextFactory: object, normal = true, options: { readonly alreadyReceived?: Uint8Array } = {}): void {
    const starter = StreamTransport.tlsStarter;
    if (starter === null) throw new TLSNotLoadedError();
    starter(this, contextFactory, normal, options);
  }

  /** With a layer (after `startTLS`): the peer's certificate, else `null`. */
  getPeerCertificate(): unknown {
    return this.#layer?.getPeerCertificate?.() ?? null;
  }

  /** With a layer (after `startTLS`): the ALPN protocol agreed, else `null`. */
  get negotiatedProtocol(): string | null {
    return this.#layer?.negotiatedProtocol ?? null;
  }

  /** Whether a layer (TLS) has been interposed. */
  get interposed(): boolean {
    return this.#layer !== null;
  }

  /**
   * The seam of `startTLS`: from now on `layerProtocol` gets what the socket delivers
   * (data, `connectionLost`) instead of the attached protocol, and the public methods
   * listed in {@link TransportLayer} are `layer`'s. Returns the raw transport for the
   * layer to write through, and the producer that was registered (unregistered here, for
   * the layer to take over). Plaintext queued before this call is sent first. Once only;
   * open transports only.
   */
  interpose(layerProtocol: IProtocol, layer: TransportLayer): InterposedTransport {
    const state = this.#state;
    if (state.phase !== "open") throw new Error(`interpose() on a ${state.phase} transport`);
    if (this.#layer !== null) throw new Error("a layer is already interposed on this transport");
    const registered = this.#producers?.producer ?? null;
    const producer = registered === null ? null : { producer: registered, streaming: this.#producerStreaming };
    if (registered !== null) this.#producers?.clear();
    this.#state = { ...state, protocol: layerProtocol, halfCloseable: null };
    this.#readMode = ReadMode.owned;
    this.#layer = layer;
    return { raw: this.#rawView(), producer };
  }

  #rawView(): ITCPTransport {
    const isDisconnecting = (): boolean => this.disconnecting;
    return {
      write: (data) => this.#rawWrite(data),
      writeSequence: (data) => this.#rawWriteSequence(data),
      loseConnection: () => this.#rawLoseConnection(),
      loseWriteConnection: () => this.#rawLoseWriteConnection(),
      abortConnection: () => this.#rawAbortConnection(),
      registerProducer: (producer, streaming) => this.#rawRegisterProducer(producer, streaming),
      unregisterProducer: () => this.#rawUnregisterProducer(),
      pauseProducing: () => this.#rawPauseProducing(),
      resumeProducing: () => this.#rawResumeProducing(),
      stopProducing: () => this.#rawLoseConnection(),
      get disconnecting() {
        return isDisconnecting();
      },
      getPeer: () => this.getPeer(),
      getHost: () => this.getHost(),
      getTcpNoDelay: () => this.getTcpNoDelay(),
      setTcpNoDelay: (enabled) => this.setTcpNoDelay(enabled),
      getTcpKeepAlive: () => this.getTcpKeepAlive(),
      setTcpKeepAlive: (enabled) => this.setTcpKeepAlive(enabled),
    };
  }

  // ---- addresses and socket options -----------------------------------------------

  /** The remote address (fixed at attach). */
  getPeer(): IAddress {
    return this.#peer;
  }

  /** The local address (fixed at attach). */
  getHost(): IAddress {
    return this.#local;
  }

  /** Whether TCP_NODELAY is asked for (as last set, or as the binding set it at attach). */
  getTcpNoDelay(): boolean {
    return this.#noDelay;
  }

  /** Turns TCP_NODELAY on or off; remembered, and applied to the socket while it is open. */
  setTcpNoDelay(enabled: boolean): void {
    this.#noDelay = enabled;
    if (this.#live()) this.#socket.setNoDelay(enabled);
  }

  /** Whether SO_KEEPALIVE is asked for (as last set; off by default). */
  getTcpKeepAlive(): boolean {
    return this.#keepAlive;
  }

  /** Turns SO_KEEPALIVE on or off; remembered, and applied to the socket while it is open. */
  setTcpKeepAlive(enabled: boolean): void {
    this.#keepAlive = enabled;
    if (this.#live()) this.#socket.setKeepAlive(enabled);
  }

  #live(): boolean {
    const phase = this.#state.phase;
    return phase === "open" || phase === "closing";
  }

  /** For `reactor.stop()`: `loseConnection`, then abort if still open after `graceSeconds`. */
  shutdown(graceSeconds: number): Promise<void> {
    return this.#live() ? closeWithin(this, this.#socket, this.#host, graceSeconds) : Promise.resolve();
  }

  /** A short description for logs: `<StreamTransport peer=... phase>`. */
  toString(): string {
    return `<StreamTransport peer=${String(this.#peer)} ${this.#state.phase}>`;
  }
}
