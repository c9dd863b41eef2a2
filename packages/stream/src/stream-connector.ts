import type net from "node:net";
import createDebug from "debug";
import { Failure } from "@torsion/defer";
import {
  ConnectError,
  ConnectorState,
  getConnectError,
  NotConnectingError,
  Protocol,
  TimeoutError,
  UserError,
  watchResult,
  type CallbackResult,
  type IAddress,
  type IClientFactory,
  type IConnector,
  type IDelayedCall,
  type IProtocol,
  type ITransportHost,
} from "@torsion/core";
import { ConnectorBusyError } from "./errors.js";
import { fastAcceptSupported } from "./node-internals.js";
import { prepareOnce, withFactoryPrepare, type StreamBinding, type StreamConnectorTarget } from "./stream-binding.js";
import type { StreamTuning } from "./stream-port.js";
import { DEFAULT_HIGH_WATER_MARK, StreamTransport } from "./stream-transport.js";

export type { StreamConnectorTarget } from "./stream-binding.js";

const debug = createDebug("torsion:stream:stream-connector");

/** Options of {@link StreamConnector}. */
export interface StreamConnectorOptions extends StreamTuning {
  /** Seconds before an attempt fails with `TimeoutError`; 0 means never. @default 30 */
  readonly timeout?: number;
}

/**
 * An outgoing stream connection (TCP, Unix, or any {@link StreamConnectorTarget}) with
 * Twisted's connector semantics. Order of the factory's calls for one attempt: `doStart`
 * (first attempt only), then `startedConnecting`, then, once connected and ready (see
 * `StreamBinding.prepare`), `buildProtocol` and the protocol's `makeConnection` /
 * `connectionMade` / `dataReceived`* / `connectionLost`, then `clientConnectionLost`;
 * or `clientConnectionFailed` when the attempt fails. A `buildProtocol` that returns
 * `null` closes the connection that was made: `clientConnectionLost` with
 * `ConnectionDone`, as in Twisted; one that throws is reported and fails the attempt.
 * After either, if the factory did not call `connect()` again, `doStop`. The connect
 * timeout runs on the host's clock until the socket is ready.
 */
export class StreamConnector implements IConnector {
  /** For `reactor.stop()` while connecting. */
  readonly kind = "connection" as const;
  readonly #host: ITransportHost;
  readonly #factory: IClientFactory;
  readonly #target: StreamConnectorTarget;
  /** The target's `prepare`, then the factory's `prepareStream` (see `withFactoryPrepare`). */
  readonly #preparer: StreamBinding;
  readonly #timeout: number;
  readonly #fast: boolean;
  readonly #highWaterMark: number;
  #state: ConnectorState = ConnectorState.disconnected;
  #factoryStarted = false;
  /** The socket of the current attempt, until it is ready. */
  #socket: net.Socket | null = null;
  #transport: StreamTransport | null = null;
  #timer: IDelayedCall | null = null;
  #unregister: (() => void) | null = null;

  constructor(host: ITransportHost, factory: IClientFactory, target: StreamConnectorTarget, options: StreamConnectorOptions = {}) {
    this.#host = host;
    this.#factory = factory;
    this.#target = target;
    this.#timeout = options.timeout ?? 30;
    this.#preparer = withFactoryPrepare(target, factory);
    this.#fast = (options.fastPath ?? true) && fastAcceptSupported && this.#preparer.prepare === undefined;
    this.#highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  }

  get state(): ConnectorState {
    return this.#state;
  }

  /** The transport of the current connection, if connected. */
  get transport(): StreamTransport | null {
    return this.#state === ConnectorState.connected ? this.#transport : null;
  }

  /** Starts an attempt. Throws `ConnectorBusyError` unless disconnected. */
  connect(): void {
    if (this.#state !== ConnectorState.disconnected) throw new ConnectorBusyError();
    this.#state = ConnectorState.connecting;
    if (!this.#factoryStarted) {
      this.#factoryStarted = true;
      this.#call("doStart", () => this.#factory.doStart());
    }
    let openError: unknown = null;
    try {
      this.#open();
    } catch (error) {
      openError = error;
    }
    if (this.#timeout > 0) this.#timer = this.#host.callLater(this.#timeout, this.#onTimeout);
    this.#unregister = this.#host.registerResource(this);
    this.#call("startedConnecting", () => this.#factory.startedConnecting?.(this));
    if (openError !== null) this.#fail(connectErrorOf(openError));
  }

  /** Opens the attempt's socket; on the fast path inside its transport (for `onread`). */
  #open(): void {
    let socket: net.Socket;
    if (this.#fast) {
      const transport = this.#newTransport((onread) => this.#target.open(onread, this.#highWaterMark));
      this.#transport = transport;
      socket = transport.socket;
    } else {
      socket = this.#target.open(undefined, this.#highWaterMark);
    }
    this.#socket = socket;
    socket.once("connect", this.#onConnect);
    socket.on("error", this.#onConnectError);
  }

  #newTransport(socket: net.Socket | ConstructorParameters<typeof StreamTransport>[0]["socket"]): StreamTransport {
    return new StreamTransport({
      host: this.#host,
      socket,
      highWaterMark: this.#highWaterMark,
      resetOnAbort: this.#target.resetOnAbort,
      onClosed: this.#connectionLost,
    });
  }

  /** Stops connecting (`UserError`), or closes the connection (`loseConnection`). */
  disconnect(): void {
    if (this.#state === ConnectorState.connecting) this.stopConnecting();
    else if (this.#state === ConnectorState.connected) this.#transport?.loseConnection();
  }

  /** Aborts the attempt: `clientConnectionFailed` with `UserError`. */
  stopConnecting(): void {
    if (this.#state !== ConnectorState.connecting) throw new NotConnectingError();
    this.#fail(new UserError());
  }

  getDestination(): IAddress {
    return this.#target.destination;
  }

  /** For `reactor.stop()` during an attempt: stops connecting. */
  shutdown(graceSeconds: number): PromiseLike<void> {
    if (this.#state === ConnectorState.connecting) this.stopConnecting();
    return Promise.resolve();
  }

  toString(): string {
    return `<StreamConnector ${String(this.#target.destination)} ${this.#state}>`;
  }

  readonly #onTimeout = (): void => {
    this.#timer = null;
    this.#fail(new TimeoutError());
  };

  readonly #onConnectError = (error: Error): void => {
    this.#fail(connectErrorOf(error));
  };

  /** TCP-level connect: the binding prepares the socket (at once without `prepare`). */
  readonly #onConnect = (): void => {
    const socket = this.#socket;
    if (socket === null || this.#state !== ConnectorState.connecting) return;
    prepareOnce(this.#preparer, socket, this.#onReady, (error) => this.#fail(connectErrorOf(error)));
  };

  readonly #onReady = (stream: net.Socket): void => {
    const socket = this.#socket;
    if (socket === null || this.#state !== ConnectorState.connecting) return;
    socket.removeListener("error", this.#onConnectError);
    // A wrapped socket (TLS) reports the raw socket's failures itself.
    if (stream !== socket) socket.on("error", ignore);
    this.#endAttempt();
    this.#state = ConnectorState.connected;
    const transport = this.#transport ?? this.#newTransport(stream);
    this.#transport = transport;
    this.#socket = null;
    const { peer, local } = this.#target.addresses(transport.socket);
    let protocol: IProtocol | null = null;
    try {
      protocol = this.#factory.buildProtocol(peer);
    } catch (error) {
      this.#host.reportError(error, `Unhandled error in buildProtocol for ${String(peer)}`);
      this.#socket = transport.socket;
      this.#state = ConnectorState.connecting;
      this.#fail(new ConnectError("buildProtocol failed", { cause: error }));
      return;
    }
    // Twisted: a refusing factory still had a connection made; it is closed at once and
    // the factory hears clientConnectionLost(ConnectionDone).
    debug("connected to %s from %s", peer, local);
    transport.attach(protocol ?? new Protocol(), { noDelay: this.#target.noDelay, peer, local, side: "client" });
    if (protocol === null) transport.loseConnection();
  };

  #endAttempt(): void {
    if (this.#timer !== null && this.#timer.active()) this.#timer.cancel();
    this.#timer = null;
    if (this.#unregister !== null) this.#unregister();
    this.#unregister = null;
  }

  #fail(error: ConnectError): void {
    if (this.#state !== ConnectorState.connecting) return;
    debug("attempt to %s failed: %s", String(this.#target.destination), error.message);
    this.#endAttempt();
    const socket = this.#socket;
    if (socket !== null) {
      socket.removeListener("connect", this.#onConnect);
      socket.removeListener("error", this.#onConnectError);
      socket.on("error", ignore);
      socket.destroy();
    }
    this.#socket = null;
    this.#transport = null;
    this.#state = ConnectorState.disconnected;
    const reason = new Failure(error);
    this.#call("clientConnectionFailed", () => this.#factory.clientConnectionFailed?.(this, reason));
    this.#maybeStopFactory();
  }

  readonly #connectionLost = (reason: Failure): void => {
    this.#transport = null;
    this.#state = ConnectorState.disconnected;
    this.#call("clientConnectionLost", () => this.#factory.clientConnectionLost?.(this, reason));
    this.#maybeStopFactory();
  };

  #maybeStopFactory(): void {
    if (this.#state !== ConnectorState.disconnected || !this.#factoryStarted) return;
    this.#factoryStarted = false;
    this.#call("doStop", () => this.#factory.doStop());
  }

  #call(what: string, fn: () => CallbackResult): void {
    const context = `Unhandled error in ${what} of ${String(this)}`;
    try {
      watchResult(fn(), (error) => this.#host.reportError(error, context));
    } catch (error) {
      this.#host.reportError(error, context);
    }
  }
}

/** `getConnectError`, for any value at all (a hostile one becomes a plain `ConnectError`). */
function connectErrorOf(error: unknown): ConnectError {
  try {
    return getConnectError(error);
  } catch {
    return new ConnectError("the connection attempt failed", { cause: error });
  }
}

function ignore(): void {}
