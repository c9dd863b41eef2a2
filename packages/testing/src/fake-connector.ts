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

  constructor(destination: IAddress, factory: IClientFactory) {
    this.#destination = destination;
    this.factory = factory;
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
    this.state = ConnectorState.disconnected;
    this.factory.clientConnectionFailed?.(this, new Failure(new UserError()));
  }

  getDestination(): IAddress {
    return this.#destination;
  }
}
