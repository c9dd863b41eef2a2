import { Failure } from "@torsion/defer";
import {
  ConnectorBusyError,
  ConnectorState,
  NotConnectingError,
  UserError,
  type IAddress,
  type IClientFactory,
  type IConnector,
} from "@torsion/core";

/**
 * The connector a `MemoryReactor` returns from `connectTCP`/`connectUNIX`. It starts in
 * `"connecting"` and stays there until a test completes it (see `ConnectionCompleter`)
 * or calls its methods. It records every call.
 *
 * Like the real connectors it starts its factory (`doStart`, before `startedConnecting`)
 * on the first attempt, and stops it (`doStop`) when an attempt fails or a connection is
 * lost and the factory did not call `connect()` again from `clientConnectionFailed` /
 * `clientConnectionLost`.
 */
export class FakeConnector implements IConnector {
  /** The factory given to connect. */
  readonly factory: IClientFactory;
  /** Current state; `ConnectionCompleter` moves it to `"connected"`/`"disconnected"`. */
  state: ConnectorState = ConnectorState.connecting;
  /** How many times `connect()` was called (not counting the initial attempt). */
  connectCalls = 0;
  /** How many times `disconnect()` was called. */
  disconnectCalls = 0;
  /** Whether `stopConnecting()` succeeded at least once. */
  stoppedConnecting = false;
  readonly #destination: IAddress;
  #factoryStarted = false;

  constructor(destination: IAddress, factory: IClientFactory) {
    this.#destination = destination;
    this.factory = factory;
  }

  /** The first attempt (MemoryReactor calls it): starts the factory, then `startedConnecting`. */
  begin(): void {
    this.#startFactory();
    this.factory.startedConnecting?.(this);
  }

  /**
   * The attempt in progress failed: state becomes `"disconnected"`, the factory gets
   * `clientConnectionFailed(reason)` and is stopped unless it reconnected.
   */
  connectionFailed(reason: unknown): void {
    this.state = ConnectorState.disconnected;
    this.factory.clientConnectionFailed?.(this, Failure.from(reason));
    this.#maybeStopFactory();
  }

  /**
   * The established connection was lost (call it to simulate that): state becomes
   * `"disconnected"`, the factory gets `clientConnectionLost(reason)` and is stopped
   * unless it reconnected.
   */
  connectionLost(reason: unknown): void {
    this.state = ConnectorState.disconnected;
    this.factory.clientConnectionLost?.(this, Failure.from(reason));
    this.#maybeStopFactory();
  }

  #startFactory(): void {
    if (this.#factoryStarted) return;
    this.#factoryStarted = true;
    this.factory.doStart();
  }

  #maybeStopFactory(): void {
    if (this.state !== ConnectorState.disconnected || !this.#factoryStarted) return;
    this.#factoryStarted = false;
    this.factory.doStop();
  }

  /**
   * Starts a new attempt: state becomes `"connecting"` and the factory's
   * `startedConnecting` runs.
   *
   * @throws ConnectorBusyError when already connecting or connected (as the real connectors)
   */
  connect(): void {
    if (this.state !== ConnectorState.disconnected) {
      throw new ConnectorBusyError(`Can't connect a connector that is ${this.state}; it must be disconnected.`);
    }
    this.connectCalls++;
    this.state = ConnectorState.connecting;
    this.#startFactory();
    this.factory.startedConnecting?.(this);
  }

  /** Records the call; when connecting, behaves as {@link stopConnecting}. */
  disconnect(): void {
    this.disconnectCalls++;
    if (this.state === ConnectorState.connecting) this.stopConnecting();
  }

  /**
   * Abandons the attempt: state becomes `"disconnected"` and the factory gets
   * `clientConnectionFailed` with a `UserError`.
   *
   * @throws NotConnectingError when not connecting
   */
  stopConnecting(): void {
    if (this.state !== ConnectorState.connecting) throw new NotConnectingError();
    this.stoppedConnecting = true;
    this.connectionFailed(new UserError());
  }

  getDestination(): IAddress {
    return this.#destination;
  }
}
