/**
 * TLS as a protocol layer (Twisted's `TLSMemoryBIOProtocol`): a protocol for the lower
 * (ciphertext) transport that is, to the wrapped protocol, its `ISSLTransport`. `node:tls`
 * does the TLS: natively on the socket's handle when the lower transport is a stream
 * transport over a TLS socket that the factory's `prepareStream` made (`listenSSL`,
 * `connectSSL`: the lower transport then carries plaintext), else over a
 * {@link TransportDuplex} (`startTLS`, `wrapClientTLS` over other transports, memory).
 *
 * Order of calls on the wrapped protocol: `makeConnection`/`connectionMade` as soon as
 * the lower transport is connected (before the handshake, as in Twisted; writes made
 * meanwhile are sent once the handshake is done), then `handshakeCompleted()` if it
 * declares it, then `dataReceived`, then `connectionLost` exactly once: `ConnectionDone`
 * after a clean close, a {@link TLSError} subclass when the handshake or verification
 * failed or the TLS stream broke, `ConnectionAborted` after `abortConnection`, else the
 * lower transport's reason.
 */
import type tls from "node:tls";
import type { X509Certificate } from "node:crypto";
import createDebug from "debug";
import { Failure } from "@torsion/defer";
import {
  ConnectionAborted,
  ConnectionDone,
  endConnection,
  watchResult,
  type CallbackResult,
  type IAddress,
  type IDelayedCall,
  type IProducer,
  type IReactorTime,
  type IProtocol,
  type ISSLTransport,
  type ITransport,
  type IHandshakeListener,
} from "@torsion/core";
import { ProducerAlreadyRegisteredError, ProducerSlot } from "@torsion/stream";
import type { ITLSContextFactory } from "./certificate-options.js";
import { CertificateError, TLSError, tlsErrorFrom } from "./errors.js";
import { createTLSSocket, nativeSocketOf, SECURE_EVENT } from "./tls-socket.js";
import { TransportDuplex } from "./transport-duplex.js";

const debug = createDebug("torsion:tls:tls-protocol");

/** Seconds `loseConnection` waits for the TLS close to finish before aborting (Twisted #7926). */
export const CLOSE_TIMEOUT_SECONDS = 10;

/** Options of a {@link TLSProtocol}. */
export interface TLSProtocolOptions {
  /** Which side of the handshake this end plays. */
  readonly role: "client" | "server";
  /** The context factory (`CertificateOptions`, `optionsForClientTLS(...)`). */
  readonly contextFactory: ITLSContextFactory;
  /** Client: the host connected to (checked when the context factory names none). @default "localhost" */
  readonly host?: string;
  /** Reports errors thrown by the wrapped protocol's callbacks. */
  readonly reportError: (error: unknown, context: string) => void;
  /** Ciphertext already received that belongs to TLS (startTLS). */
  readonly initialInput?: Uint8Array;
  /** Called with the TLS failure of this connection, if it had one, before `connectionLost`. */
  readonly onTLSFailure?: (error: TLSError) => void;
  /** Called once the handshake succeeded. */
  readonly onHandshake?: () => void;
  /**
   * startTLS: the wrapped protocol is already connected (its transport is the stream
   * transport, which delegates to this layer), so it gets no `makeConnection`.
   */
  readonly alreadyConnected?: boolean;
  /**
   * The clock of the close timeout ({@link CLOSE_TIMEOUT_SECONDS}): the reactor (or a test's
   * `Clock`). Without one, a real timer that does not keep the process alive is used.
   */
  readonly clock?: IReactorTime;
}

/** A timer that keeps no process alive, for TLS layers built without a clock. */
const REAL_TIME_FALLBACK: Pick<IReactorTime, "callLater"> = {
  callLater(delay, fn, ...args) {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      fn(...args);
    }, delay * 1000);
    timer.unref();
    const call: IDelayedCall = {
      getTime: () => Number.NaN,
      cancel: () => {
        done = true;
        clearTimeout(timer);
      },
      delay: () => {
        throw new Error("not supported by the fallback timer");
      },
      reset: () => {
        throw new Error("not supported by the fallback timer");
      },
      active: () => !done,
    };
    return call;
  },
};

function hasHandshakeListener(protocol: IProtocol): protocol is IProtocol & IHandshakeListener {
  return typeof (protocol as Partial<IHandshakeListener>).handshakeCompleted === "function";
}

/** One TLS connection, as a protocol of the lower transport. */
export class TLSProtocol implements IProtocol, ISSLTransport {
  readonly wrappedProtocol: IProtocol;
  readonly #options: TLSProtocolOptions;
  #lower: ITransport | null = null;
  #duplex: TransportDuplex | null = null;
  #socket: tls.TLSSocket | null = null;
  /** Whether TLS runs natively under the lower transport (which then delivers plaintext). */
  #native = false;
  #secure = false;
  #tlsFailure: TLSError | null = null;
  #aborted = false;
  #lowerReason: Failure | null = null;
  #tlsClosed = false;
  #lost = false;
  #disconnecting = false;
  #producers: ProducerSlot | null = null;
  #waitingForProducer = false;
  #closeTimer: IDelayedCall | null = null;
  #peerCertificate: X509Certificate | null = null;
  /** Our certificate, parsed on first use (`undefined`: not asked for yet). */
  #hostCertificate: X509Certificate | null | undefined = undefined;
  #alpn: string | null = null;

  constructor(wrappedProtocol: IProtocol, options: TLSProtocolOptions) {
    this.wrappedProtocol = wrappedProtocol;
    this.#options = options;
  }

  /** The lower (ciphertext) transport. */
  get transport(): ITransport | null {
    return this.#lower;
  }

  /** Whether TLS runs natively on the socket under the lower transport (else over a Duplex). */
  get native(): boolean {
    return this.#native;
  }

  /** Whether the handshake has completed. */
  get handshakeDone(): boolean {
    return this.#secure;
  }

  // ---- IProtocol (towards the lower transport) -------------------------------------

  makeConnection(transport: ITransport): CallbackResult {
    this.#lower = transport;
    return this.connectionMade();
  }

  connectionMade(): CallbackResult {
    const lower = this.#lower;
    if (lower === null) throw new Error("TLSProtocol.connectionMade without a transport");
    const native = nativeSocketOf(lower);
    if (native !== null) {
      this.#native = true;
      this.#socket = native;
      this.#listen(native, false);
    } else {
      this.#startDuplex(lower);
    }
    if (this.#options.alreadyConnected === true) return;
    return this.#guard("connectionMade", () => this.wrappedProtocol.makeConnection(this));
  }

  #startDuplex(lower: ITransport): void {
    const duplex = new TransportDuplex(lower);
    this.#duplex = duplex;
    lower.registerProducer(duplex, true);
    const socket = this.#createSocket(duplex);
    this.#socket = socket;
    if (this.#options.initialInput !== undefined && this.#options.initialInput.byteLength > 0) duplex.feed(this.#options.initialInput);
  }

  dataReceived(data: Buffer): CallbackResult {
    if (this.#native) this.#onData(data);
    else this.#duplex?.feed(data);
  }

  connectionLost(reason: Failure): CallbackResult {
    this.#lowerReason = reason;
    // Native: the lower transport's socket is the TLS socket, so both are closed now.
    if (this.#native) this.#tlsClosed = true;
    this.#duplex?.feedEnd();
    // A TLS socket whose handshake never started may not close by itself on EOF.
    if (!this.#secure) this.#socket?.destroy();
    this.#finishIfDone();
  }

  #createSocket(duplex: TransportDuplex): tls.TLSSocket {
    const o = this.#options;
    const socket = createTLSSocket(o.role, o.contextFactory, o.host ?? "localhost", duplex);
    this.#listen(socket, true);
    return socket;
  }

  /** TLS events; over a Duplex also the plaintext and the close (else the lower transport's). */
  #listen(socket: tls.TLSSocket, carriesData: boolean): void {
    // 'secure'/'secureConnect' fire once per socket: `on` spares the `once` wrapper.
    socket.on(SECURE_EVENT[this.#options.role], this.#onSecure);
    socket.on("error", this.#onError);
    if (carriesData) {
      socket.on("data", this.#onData);
      socket.on("close", this.#onClose);
    }
    if (debug.enabled) socket.on("end", () => debug("TLS stream ended by the peer"));
  }

  readonly #onSecure = (): void => {
    const socket = this.#socket;
    // Once only (a TLS 1.2 renegotiation would emit it again).
    if (socket === null || this.#secure || this.#tlsFailure !== null) return;
    // Node types it as always set; it is null (or absent) when the peer was authorized.
    const authorizationError = socket.authorizationError as Error | null | undefined;
    if (
      this.#options.role === "server" &&
      authorizationError !== null &&
      authorizationError !== undefined &&
      (this.#options.contextFactory.tlsOptionsFor("server", "").rejectUnauthorized ?? false)
    ) {
      this.#fail(
        new CertificateError(`TLS client certificate rejected: ${String(socket.authorizationError)}`, {
          reason: String(socket.authorizationError),
          verifyCode: String((socket.authorizationError as { code?: string }).code ?? socket.authorizationError),
        }),
      );
      return;
    }
    this.#secure = true;
    this.#peerCertificate = socket.getPeerX509Certificate() ?? null;
    this.#alpn = typeof socket.alpnProtocol === "string" ? socket.alpnProtocol : null;
    if (debug.enabled) debug("handshake completed (%s, ALPN %s)", socket.getProtocol(), socket.alpnProtocol);
    this.#options.onHandshake?.();
    const wrapped = this.wrappedProtocol;
    if (hasHandshakeListener(wrapped) && !this.#lost) this.#guard("handshakeCompleted", () => wrapped.handshakeCompleted());
  };

  /** Plaintext for the wrapped protocol (per message: no closure, unlike `#guard`). */
  readonly #onData = (data: Buffer): void => {
    if (this.#lost || this.#disconnecting) return;
    try {
      const result = this.wrappedProtocol.dataReceived(data);
      if (result !== undefined) watchResult(result, (error) => this.#callbackFailed("dataReceived", error));
    } catch (error) {
      this.#callbackFailed("dataReceived", error);
    }
  };

  readonly #onError = (error: Error): void => {
    debug("TLS error: %s", error.message);
    if (this.#tlsFailure === null && !this.#aborted) this.#tlsFailure = tlsErrorFrom(error, this.#secure ? "connection" : "handshake");
    // Node leaves a TLS socket open after an error once its handshake is done (a TLS 1.3
    // client hearing that its certificate was refused); the error is fatal here.
    if (this.#native) this.#socket?.destroy();
  };

  readonly #onClose = (): void => {
    this.#tlsClosed = true;
    this.#clearCloseTimer();
    const lower = this.#lower;
    if (this.#lowerReason === null && lower !== null) {
      if (this.#tlsFailure !== null || this.#aborted) abortLower(lower);
      else lower.loseConnection();
    }
    this.#finishIfDone();
  };

  #fail(error: TLSError): void {
    if (this.#tlsFailure === null) this.#tlsFailure = error;
    this.#socket?.destroy();
  }

  /** `connectionLost` on the wrapped protocol once both TLS and the lower transport are closed. */
  #finishIfDone(): void {
    if (this.#lost || this.#lowerReason === null || !this.#tlsClosed) return;
    this.#lost = true;
    this.#clearCloseTimer();
    const reason = this.#reasonAtClose(this.#lowerReason);
    if (reason.value instanceof TLSError) this.#options.onTLSFailure?.(reason.value);
    const producer = this.#producers?.clear() ?? null;
    if (producer !== null) this.#guard("stopProducing", () => producer.stopProducing());
    try {
      watchResult(endConnection(this.wrappedProtocol, reason), (error) =>
        this.#options.reportError(error, "Unhandled error in connectionLost"),
      );
    } catch (error) {
      this.#options.reportError(error, "Unhandled error in connectionLost");
    }
  }

  #reasonAtClose(lower: Failure): Failure {
    if (this.#tlsFailure !== null) return new Failure(this.#tlsFailure);
    if (this.#aborted) return new Failure(new ConnectionAborted());
    if (!this.#secure && !(lower.value instanceof ConnectionAborted)) {
      return new Failure(
        tlsErrorFrom(new Error("the connection closed before the TLS handshake completed", { cause: lower.value }), "handshake"),
      );
    }
    if (this.#disconnecting && lower.value instanceof ConnectionDone) return lower;
    return lower;
  }

  #guard(what: string, fn: () => CallbackResult): CallbackResult {
    try {
      const result = fn();
      if (result !== undefined) watchResult(result, (error) => this.#callbackFailed(what, error));
    } catch (error) {
      this.#callbackFailed(what, error);
    }
  }

  #callbackFailed(what: string, error: unknown): void {
    this.#options.reportError(error, `Unhandled error in ${what}`);
    this.#aborted = true;
    this.#socket?.destroy();
    abortLower(this.#lower);
  }

  #clearCloseTimer(): void {
    if (this.#closeTimer?.active() === true) this.#closeTimer.cancel();
    this.#closeTimer = null;
  }

  // ---- ISSLTransport (towards the wrapped protocol) --------------------------------

  get disconnecting(): boolean {
    return this.#disconnecting || this.#lost;
  }

  get negotiatedProtocol(): string | null {
    return this.#alpn;
  }

  getPeerCertificate(): X509Certificate | null {
    return this.#peerCertificate;
  }

  /**
   * Our own certificate, or `null` (also once the connection closed, if it was never
   * asked for before). Parsed on the first call, not at each handshake: building an
   * `X509Certificate` costs about a sixth of a server's CPU per handshake.
   */
  getHostCertificate(): X509Certificate | null {
    if (this.#hostCertificate === undefined) {
      const socket = this.#socket;
      if (socket === null || !this.#secure || socket.destroyed) return null;
      this.#hostCertificate = socket.getX509Certificate() ?? null;
    }
    return this.#hostCertificate;
  }

  write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) throw new TypeError(`write() takes bytes (Uint8Array), not ${typeof data}`);
    if (!this.#writable() || data.byteLength === 0) return;
    if (this.#socket?.write(data) === false) this.#producers?.bufferFull();
  }

  writeSequence(data: Iterable<Uint8Array>): void {
    const items = Array.from(data);
    for (const item of items)
      if (!(item instanceof Uint8Array)) throw new TypeError(`writeSequence() takes bytes (Uint8Array), not ${typeof item}`);
    const socket = this.#socket;
    if (!this.#writable() || socket === null) return;
    socket.cork();
    let ok = true;
    for (const item of items) if (item.byteLength > 0) ok = socket.write(item);
    socket.uncork();
    if (!ok) this.#producers?.bufferFull();
  }

  #writable(): boolean {
    if (this.#lost) return false;
    return !this.#disconnecting || this.#waitingForProducer;
  }

  /**
   * Sends `close_notify` after the queued data, then closes TCP; it does not wait for the
   * peer's `close_notify` (Twisted #7926), and aborts if the close has not finished after
   * {@link CLOSE_TIMEOUT_SECONDS}. Waits first for a registered producer to unregister.
   */
  loseConnection(): void {
    if (this.#disconnecting || this.#lost) return;
    this.#disconnecting = true;
    if ((this.#producers?.producer ?? null) !== null) {
      this.#waitingForProducer = true;
      return;
    }
    this.#close();
  }

  #close(): void {
    this.#waitingForProducer = false;
    const socket = this.#socket;
    if (socket === null) return;
    // Native: the lower transport ends the TLS socket (close_notify, FIN) and closes it
    // once that is sent, without waiting for the peer's close_notify.
    if (this.#native) this.#lower?.loseConnection();
    else socket.end();
    if (this.#tlsClosed || this.#lost) return;
    this.#closeTimer = (this.#options.clock ?? REAL_TIME_FALLBACK).callLater(CLOSE_TIMEOUT_SECONDS, () => {
      this.#closeTimer = null;
      debug("TLS close did not finish in %d s: aborting", CLOSE_TIMEOUT_SECONDS);
      socket.destroy();
      abortLower(this.#lower);
    });
  }

  /**
   * TLS has no half-close (a `close_notify` ends the connection for both directions;
   * Twisted #5341), so this is {@link loseConnection}: the peer sees a clean end, and
   * this side closes too. Protocols are never told `writeConnectionLost`.
   */
  loseWriteConnection(): void {
    this.loseConnection();
  }

  /** Drops everything at once: `ConnectionAborted`. */
  abortConnection(): void {
    if (this.#lost) return;
    this.#disconnecting = true;
    this.#aborted = true;
    this.#socket?.destroy();
    abortLower(this.#lower);
  }

  registerProducer(producer: IProducer, streaming: boolean): void {
    if (this.#producers !== null && this.#producers.producer !== null) throw new ProducerAlreadyRegisteredError();
    const socket = this.#socket;
    if (this.#lost || socket === null) {
      producer.stopProducing();
      return;
    }
    this.#producers ??= new ProducerSlot({ isOpen: () => !this.#lost, guard: (what, fn) => void this.#guard(what, fn) });
    this.#producers.register(socket, producer, streaming, socket.writableHighWaterMark);
  }

  unregisterProducer(): void {
    if (this.#producers === null || this.#producers.clear() === null) return;
    if (this.#waitingForProducer) this.#close();
  }

  pauseProducing(): void {
    this.#socket?.pause();
  }

  resumeProducing(): void {
    this.#socket?.resume();
  }

  stopProducing(): void {
    this.loseConnection();
  }

  getPeer(): IAddress {
    return this.#requireLower().getPeer();
  }

  getHost(): IAddress {
    return this.#requireLower().getHost();
  }

  getTcpNoDelay(): boolean {
    return (this.#lower as { getTcpNoDelay?: () => boolean } | null)?.getTcpNoDelay?.() ?? false;
  }

  setTcpNoDelay(enabled: boolean): void {
    (this.#lower as { setTcpNoDelay?: (e: boolean) => void } | null)?.setTcpNoDelay?.(enabled);
  }

  getTcpKeepAlive(): boolean {
    return (this.#lower as { getTcpKeepAlive?: () => boolean } | null)?.getTcpKeepAlive?.() ?? false;
  }

  setTcpKeepAlive(enabled: boolean): void {
    (this.#lower as { setTcpKeepAlive?: (e: boolean) => void } | null)?.setTcpKeepAlive?.(enabled);
  }

  #requireLower(): ITransport {
    if (this.#lower === null) throw new Error("TLSProtocol is not connected");
    return this.#lower;
  }

  toString(): string {
    return `<TLSProtocol ${this.#options.role} ${this.#secure ? "secure" : "handshaking"}>`;
  }
}

/** Aborts a transport that can (`ITCPTransport`), else closes it. */
function abortLower(transport: ITransport | null): void {
  if (transport === null) return;
  const abort = (transport as { abortConnection?: () => void }).abortConnection;
  if (typeof abort === "function") abort.call(transport);
  else transport.loseConnection();
}
