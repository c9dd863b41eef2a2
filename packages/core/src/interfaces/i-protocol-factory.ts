import type { Failure } from "@torsion/defer";
import type { IAddress } from "../address.js";
import type { IConnector } from "./i-connector.js";
import type { IProtocol } from "./i-protocol.js";

/** Makes protocols for new connections. */
export interface IProtocolFactory {
  /**
   * Builds the protocol for a connection from (server) or to (client) `addr`. Returning
   * `null` refuses the connection: it is closed at once. Called once per connection,
   * before the protocol's `makeConnection`.
   */
  buildProtocol(addr: IAddress): IProtocol | null;
  /** Called each time a port starts listening (or a connector starts) with this factory. */
  doStart(): void;
  /** Called each time such a port stops; balanced with `doStart`. */
  doStop(): void;
}

/**
 * A factory used for outgoing connections. The hooks are optional so any factory can be
 * given to `connectTCP`; `ClientFactory` provides no-op defaults. Order for one attempt:
 * `startedConnecting`, then either `clientConnectionFailed` or (after the protocol's
 * `connectionLost`) `clientConnectionLost`.
 */
export interface IClientFactory extends IProtocolFactory {
  /** The connection attempt has started. Called once per attempt, before buildProtocol. */
  startedConnecting?(connector: IConnector): void;
  /** The attempt failed; `reason.value` is a `ConnectError` subclass. Called once. */
  clientConnectionFailed?(connector: IConnector, reason: Failure): void;
  /** An established connection closed, after the protocol's `connectionLost`. */
  clientConnectionLost?(connector: IConnector, reason: Failure): void;
}
