import type net from "node:net";
import createDebug from "debug";
import { Failure } from "@torsion/defer";
import {
  ConnectError,
  ConnectorState,
  getConnectError,
  NotConnectingError,
  TimeoutError,
  UserError,
  type IAddress,
  type IClientFactory,
  type IConnector,
  type IDelayedCall,
  type ITransportHost,
} from "@torsion/core";
import { ConnectorBusyError } from "./errors.js";
import { fastAcceptSupported, type OnRead } from "./node-internals.js";
import type { SocketAddresses, StreamTuning } from "./stream-port.js";
import { DEFAULT_HIGH_WATER_MARK, StreamTransport } from "./stream-transport.js";

const debug = createDebug("torsion:tcp:stream-connector");

/** What differs between a TCP and a Unix connector. */
export interface StreamConnectorTarget {
  /** Where the connector connects to. */
  readonly destination: IAddress;
  /** Whether the connected socket gets TCP_NODELAY. */
  readonly noDelay: boolean;
  /** Whether `abortConnection` sends a TCP reset. */
  readonly resetOnAbort: boolean;
  /** Starts one attempt; `onread` is set for the fast read path. May throw. */
  open(onread: OnRead | undefined, writableHighWaterMark: number): net.Socket;
  /** The addresses of the connected socket. */
  addresses(socket: net.Socket): SocketAddresses;
}

/** Options of {@link StreamConnector}. */
export interface StreamConnectorOptions extends StreamTuning {
  /** Seconds before an attempt fails with `TimeoutError`; 0 means never. @default 30 */
  readonly timeout?: number;
}

/**
 * An outgoing stream connection (TCP or Unix) with Twisted's connector semantics. Order
 * of the factory's calls for one attempt: `doStart` (first attempt only), then
 * `startedConnecting`, then `buildProtocol` and the protocol's `makeConnection` /
 * `connectionMade` / `dataReceived`* / `connectionLost`, then `clientConnectionLost`;
 * or `clientConnectionFailed` when the attempt fails. After either, if the factory did
 * not call `connect()` again, `doStop`. The connect timeout runs on the host's clock.
 */
export class StreamConnector implements IConnector {
  /** For `reactor.stop()` while connecting. */
  readonly kind = "connection" as const;
  readonly #host: ITransportHost;
  readonly #factory: IClientFactory;
  readonly #target: StreamConnectorTarget;
  readonly #timeout: number;
  readonly #fast: boolean;
  readonly #highWaterMark: number;
  #state: ConnectorState = ConnectorState.disconnected;
  #factoryStarted = false;
  #socket: net.Socket | null = null;
  #transport: StreamTransport | null = null;
  #timer: IDelayedCall | null = null;
  #unregister: (() => void) | null = null;

  constructor(host: ITransportHost, factory: IClientFactory, target: StreamConnectorTarget, options: StreamConnectorOptions = {}) {
    this.#host = host;
    this.#factory = factory;
    this.#target = target;
    this.#timeout = options.timeout ?? 30;
    this.#fast = (options.fastPath ?? true) && fastAcceptSupported;
    this.#highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  }

  get state(): ConnectorState {
    return this.#state;
  }

  /** The transport of the current connection, if connected. */
  get transport(): StreamTransport | null {
    return this.#transport;
  }

  /** Starts an attempt. Throws `ConnectorBusyError` unless disconnected. */
  connect(): void {
    if (this.#state !== ConnectorState.disconnected) throw new ConnectorBusyError();
    this.#state = ConnectorState.connecting;
    if (!this.#factoryStarted) {
      this.#factoryStarted = true;
      this.#call("doStart", () => this.#factory.doStart());
    }
    const transport = new StreamTransport({ host: this.#host, highWaterMark: this.#highWaterMark, resetOnAbort: this.#target.resetOnAbort, onClosed: this.#connectionLost });
    this.#transport = transport;
    let openError: unknown = null;
    try {
      const socket = this.#target.open(this.#fast ? transport.onread : undefined, this.#highWaterMark);
      this.#socket = socket;
      socket.once("connect", this.#onConnect);
      socket.on("error", this.#onConnectError);
    } catch (error) {
      openError = error;
    }
    if (this.#timeout > 0) this.#timer = this.#host.callLater(this.#timeout, this.#onTimeout);
    this.#unregister = this.#host.registerResource(this);
    this.#call("startedConnecting", () => this.#factory.startedConnecting?.(this));
    if (openError !== null) this.#fail(getConnectError(openError));
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
    void graceSeconds;
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
    this.#fail(getConnectError(error));
  };

  readonly #onConnect = (): void => {
    const socket = this.#socket as net.Socket;
    const transport = this.#transport as StreamTransport;
    socket.removeListener("error", this.#onConnectError);
    this.#endAttempt();
    this.#state = ConnectorState.connected;
    const { peer, local } = this.#target.addresses(socket);
    let protocol = null;
    try {
      protocol = this.#factory.buildProtocol(peer);
    } catch (error) {
      this.#host.reportError(error, `Unhandled error in buildProtocol for ${String(peer)}`);
    }
    if (protocol === null) {
      this.#state = ConnectorState.connecting;
      this.#fail(new ConnectError("buildProtocol refused the connection"));
      return;
    }
    transport.attach(socket, protocol, { fastPath: this.#fast, noDelay: this.#target.noDelay, peer, local });
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
    this.#socket = null;
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

  #call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#host.reportError(error, `Unhandled error in ${what} of ${String(this)}`);
    }
  }
}

function ignore(): void {}
