import { Deferred, type Failure } from "@torsion/defer";
import {
  ConnectingCancelledError,
  type IAddress,
  type IClientFactory,
  type IConnector,
  type IProtocol,
  type IProtocolFactoryOf,
  type ITransport,
} from "@torsion/core";
import { NoProtocol } from "./errors.js";

interface Optional {
  readConnectionLost?: () => void;
  writeConnectionLost?: () => void;
  handshakeCompleted?: () => void;
}

/**
 * Stands between the transport and the user's protocol so the endpoint learns when the
 * connection is made: its `connectionMade` connects the wrapped protocol to the same
 * transport, then fires the endpoint's Deferred with it (so the Deferred fires after the
 * user's `connectionMade` ran). Everything else is passed through, including the
 * half-close hooks and `handshakeCompleted` when the wrapped protocol has them (and only
 * then, so the transport sees the same capabilities).
 */
export class WrappingProtocol<P extends IProtocol> implements IProtocol {
  /** The user's protocol. */
  readonly wrappedProtocol: P;
  transport: ITransport | null = null;
  readonly #connected: Deferred<P>;

  constructor(connected: Deferred<P>, wrapped: P) {
    this.#connected = connected;
    this.wrappedProtocol = wrapped;
    const hooks = wrapped as Optional;
    const self = this as Optional;
    for (const name of ["readConnectionLost", "writeConnectionLost", "handshakeCompleted"] as const) {
      if (typeof hooks[name] === "function") self[name] = () => (hooks as Required<Optional>)[name]();
    }
  }

  makeConnection(transport: ITransport): void {
    this.transport = transport;
    this.connectionMade();
  }

  /**
   * Connects the wrapped protocol, then fires the Deferred with it. If the wrapped
   * `makeConnection` throws, the Deferred fails with that error and the error goes on to
   * the transport (which aborts the connection).
   */
  connectionMade(): void {
    try {
      this.wrappedProtocol.makeConnection(this.transport as ITransport);
    } catch (error) {
      if (!this.#connected.called) this.#connected.errback(error);
      throw error;
    }
    if (!this.#connected.called) this.#connected.callback(this.wrappedProtocol);
  }

  dataReceived(data: Buffer): void {
    this.wrappedProtocol.dataReceived(data);
  }

  /** Passed through; also fails the Deferred if it has not fired (the connection never came up). */
  connectionLost(reason: Failure): void {
    if (!this.#connected.called) this.#connected.errback(reason);
    this.wrappedProtocol.connectionLost(reason);
  }
}

/**
 * The factory a client endpoint gives the reactor (Twisted's `_WrappingFactory`): it
 * builds a {@link WrappingProtocol} around each protocol of the user's factory and turns
 * the connector's outcome into {@link onConnection}. `doStart`/`doStop` are passed to the
 * user's factory; its client hooks are not called (the Deferred carries the outcome).
 */
export class WrappingFactory<P extends IProtocol> implements IClientFactory {
  /**
   * Fires with the user's protocol once connected; fails with the connect error,
   * `NoProtocol`, or what `buildProtocol` threw. Cancelling it stops the attempt and fails
   * it with `ConnectingCancelledError`.
   */
  readonly onConnection: Deferred<P>;
  /** The connector of the attempt (set by `startedConnecting` or by the endpoint). */
  connector: IConnector | null = null;
  readonly #wrapped: IProtocolFactoryOf<P>;

  constructor(wrapped: IProtocolFactoryOf<P>) {
    this.#wrapped = wrapped;
    this.onConnection = new Deferred<P>(this.#cancel);
  }

  startedConnecting(connector: IConnector): void {
    this.connector = connector;
  }

  doStart(): void {
    this.#wrapped.doStart();
  }

  doStop(): void {
    this.#wrapped.doStop();
  }

  buildProtocol(addr: IAddress): WrappingProtocol<P> | null {
    let protocol: P | null;
    try {
      protocol = this.#wrapped.buildProtocol(addr);
    } catch (error) {
      if (!this.onConnection.called) this.onConnection.errback(error);
      return null;
    }
    if (protocol === null) {
      if (!this.onConnection.called) this.onConnection.errback(new NoProtocol());
      return null;
    }
    return new WrappingProtocol(this.onConnection, protocol);
  }

  clientConnectionFailed(connector: IConnector, reason: Failure): void {
    if (!this.onConnection.called) this.onConnection.errback(reason);
  }

  readonly #cancel = (deferred: Deferred<P>): void => {
    const connector = this.connector;
    const where = connector === null ? "" : ` to ${String(connector.getDestination())}`;
    deferred.errback(new ConnectingCancelledError(`Connecting${where} was cancelled.`));
    if (connector !== null && connector.state === "connecting") connector.stopConnecting();
  };
}

/**
 * Runs `connect(wrappingFactory)` (a reactor's `connectTCP`/`connectUNIX`/... call) for
 * `factory` and returns the endpoint's Deferred; a synchronous throw becomes a failed
 * Deferred.
 */
export function connectWrapped<P extends IProtocol>(
  factory: IProtocolFactoryOf<P>,
  connect: (wrapping: WrappingFactory<P>) => IConnector,
): Deferred<P> {
  const wrapping = new WrappingFactory(factory);
  try {
    const connector = connect(wrapping);
    if (wrapping.connector === null) wrapping.connector = connector;
  } catch (error) {
    const failed = new Deferred<P>();
    failed.errback(error);
    return failed;
  }
  return wrapping.onConnection;
}
