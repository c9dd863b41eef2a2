import type { IAddress } from "../address.js";

/** What a connector is doing. */
export const ConnectorState = {
  disconnected: "disconnected",
  connecting: "connecting",
  connected: "connected",
} as const;
export type ConnectorState = (typeof ConnectorState)[keyof typeof ConnectorState];

/** The handle of an outgoing connection (`connectTCP`, `connectUNIX`). */
export interface IConnector {
  /** Current state. */
  readonly state: ConnectorState;
  /**
   * Starts a new attempt with the same factory (e.g. to reconnect after a loss). Throws
   * when already connecting or connected.
   */
  connect(): void;
  /** Stops connecting, or drops the established connection (`loseConnection`). */
  disconnect(): void;
  /**
   * Aborts an attempt in progress: the factory gets `clientConnectionFailed` with a
   * `UserError` (as in Twisted). Throws `NotConnectingError` when not connecting.
   */
  stopConnecting(): void;
  /** Where this connector connects to. */
  getDestination(): IAddress;
}
