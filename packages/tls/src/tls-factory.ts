/**
 * Twisted's `TLSMemoryBIOFactory(contextFactory, isClient, wrappedFactory)`: a factory whose
 * protocols run TLS over the connection they are given ({@link TLSProtocol}) with a
 * protocol of `wrappedFactory` inside. `listenSSL`, `connectSSL` and `wrapClientTLS` use it.
 *
 * Over a stream transport (TCP, Unix), the factory prepares each connected socket
 * (`prepareStream`, the stream package's `IStreamPreparingFactory`): it wraps the
 * `net.Socket` in a `TLSSocket`, so TLS runs natively on the socket's handle, and the
 * connection is ready at once (the protocol is built at TCP connect, Twisted's order; the
 * handshake follows). Elsewhere (`wrapClientTLS` over other transports, memory) its
 * protocols run TLS over a Duplex.
 *
 * Failures reach the factory too (Twisted #10210): a client factory's
 * `clientConnectionLost` gets the connection's `TLSError` rather than the TCP reason, and
 * a server factory that declares `handshakeFailed(error, peer)` is told of each failed
 * handshake or verification.
 */
import type net from "node:net";
import type { Failure } from "@torsion/defer";
import { Failure as FailureClass, reportError } from "@torsion/defer";
import type { CallbackResult, IAddress, IClientFactory, IConnector, IProtocol, IProtocolFactory, IReactorTime } from "@torsion/core";
import { isTLSContextFactory, type ITLSContextFactory } from "./certificate-options.js";
import { TLSOptionsError, type TLSError } from "./errors.js";
import type { IStreamPreparingFactory, PrepareOutcome } from "@torsion/stream";
import { TLSProtocol, type TLSProtocolOptions } from "./tls-protocol.js";
import { createTLSSocket, markNative } from "./tls-socket.js";

/** A server factory may declare this to hear of TLS failures of its connections. */
export interface ITLSFailureListener {
  handshakeFailed(error: TLSError, peer: IAddress): void;
}

/** Options of {@link TLSMemoryBIOFactory}. */
export interface TLSFactoryOptions {
  /** Client: the host connected to (for hostname checks of a `CertificateOptions`). */
  readonly host?: string;
  /** Where errors of protocol callbacks go. @default `@torsion/defer`'s process-wide error reporter */
  readonly reportError?: (error: unknown, context: string) => void;
  /** The clock of each connection's close timeout (the reactor, or a test's `Clock`). @default a real, unref'ed timer */
  readonly clock?: IReactorTime;
}

export class TLSMemoryBIOFactory implements IClientFactory, IStreamPreparingFactory {
  readonly contextFactory: ITLSContextFactory;
  readonly isClient: boolean;
  readonly wrappedFactory: IProtocolFactory;
  readonly #host: string;
  readonly #reportError: (error: unknown, context: string) => void;
  readonly #clock: IReactorTime | null;
  /** The last TLS failure, for `clientConnectionLost` (a connector runs one connection at a time). */
  #lastFailure: TLSError | null = null;
  #layerOptions: TLSProtocolOptions | null = null;

  constructor(contextFactory: object, isClient: boolean, wrappedFactory: IProtocolFactory, options: TLSFactoryOptions = {}) {
    if (!isTLSContextFactory(contextFactory)) {
      throw new TLSOptionsError("the TLS context factory must be CertificateOptions or what optionsForClientTLS returns");
    }
    this.contextFactory = contextFactory;
    this.isClient = isClient;
    this.wrappedFactory = wrappedFactory;
    this.#host = options.host ?? "localhost";
    this.#reportError = options.reportError ?? ((error, context) => reportError(error, context));
    this.#clock = options.clock ?? null;
    // Bad options (e.g. a server context without a certificate) fail now, not per connection.
    contextFactory.tlsOptionsFor(isClient ? "client" : "server", this.#host);
  }

  /** Native TLS: wraps the connected `socket` in a TLS socket, ready at once (see the class doc). */
  prepareStream(socket: net.Socket, outcome: PrepareOutcome): void {
    const tlsSocket = createTLSSocket(this.isClient ? "client" : "server", this.contextFactory, this.#host, socket);
    markNative(tlsSocket);
    outcome.ready(tlsSocket);
  }

  buildProtocol(addr: IAddress): TLSProtocol | null {
    const wrapped = this.wrappedFactory.buildProtocol(addr);
    if (wrapped === null) return null;
    return this.wrap(wrapped, addr);
  }

  /** A TLS layer around `wrapped` (for a connection to or from `peer`). */
  wrap(wrapped: IProtocol, peer: IAddress | null = null, initialInput?: Uint8Array): TLSProtocol {
    this.#lastFailure = null;
    const onTLSFailure = (error: TLSError): void => this.#onTLSFailure(error, peer);
    const base = (this.#layerOptions ??= this.#baseLayerOptions());
    return new TLSProtocol(wrapped, initialInput === undefined ? { ...base, onTLSFailure } : { ...base, initialInput, onTLSFailure });
  }

  /** What every TLS layer of this factory is given (built once, not per connection). */
  #baseLayerOptions(): TLSProtocolOptions {
    return {
      role: this.isClient ? "client" : "server",
      contextFactory: this.contextFactory,
      host: this.#host,
      reportError: this.#reportError,
      ...(this.#clock === null ? {} : { clock: this.#clock }),
    };
  }

  #onTLSFailure(error: TLSError, peer: IAddress | null): void {
    this.#lastFailure = error;
    const listener = this.wrappedFactory as Partial<ITLSFailureListener>;
    if (peer !== null && typeof listener.handshakeFailed === "function") {
      try {
        listener.handshakeFailed(error, peer);
      } catch (thrown) {
        this.#reportError(thrown, "Unhandled error in handshakeFailed");
      }
    }
  }

  doStart(): CallbackResult {
    return this.wrappedFactory.doStart();
  }

  doStop(): CallbackResult {
    return this.wrappedFactory.doStop();
  }

  startedConnecting(connector: IConnector): CallbackResult {
    return (this.wrappedFactory as IClientFactory).startedConnecting?.(connector);
  }

  clientConnectionFailed(connector: IConnector, reason: Failure): CallbackResult {
    return (this.wrappedFactory as IClientFactory).clientConnectionFailed?.(connector, reason);
  }

  clientConnectionLost(connector: IConnector, reason: Failure): CallbackResult {
    const failure = this.#lastFailure;
    this.#lastFailure = null;
    return (this.wrappedFactory as IClientFactory).clientConnectionLost?.(connector, failure === null ? reason : new FailureClass(failure));
  }
}
