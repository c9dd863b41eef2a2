import type { Failure } from "@torsion/defer";
import type { IAddress } from "../address.js";
import type { IConnector } from "./i-connector.js";
import type { CallbackResult, IProtocol } from "./i-protocol.js";

/**
 * Makes protocols for new connections. Every method but `buildProtocol` may be `async`
 * (see {@link CallbackResult}); a throw or a failed promise is reported through the host's
 * error reporter and changes nothing else. `buildProtocol` is synchronous: a throw is
 * reported and refuses that connection.
 */
export interface IProtocolFactory {
  /**
   * Builds the protocol for a connection from (server) or to (client) `addr`. Returning
   * `null` refuses the connection: it is closed at once. Called once per connection,
   * before the protocol's `makeConnection`.
   */
  buildProtocol(addr: IAddress): IProtocol | null;
  /** Called each time a port starts listening (or a connector starts) with this factory. */
  doStart(): CallbackResult;
  /** Called each time such a port stops; balanced with `doStart`. */
  doStop(): CallbackResult;
}

/**
 * A factory used for outgoing connections. The hooks are optional so any factory can be
 * given to `connectTCP`; `ClientFactory` provides no-op defaults. Order for one attempt:
 * `startedConnecting`, then either `clientConnectionFailed` or (after the protocol's
 * `connectionLost`) `clientConnectionLost`.
 */
export interface IClientFactory extends IProtocolFactory {
  /** The connection attempt has started. Called once per attempt, before buildProtocol. */
  startedConnecting?(connector: IConnector): CallbackResult;
  /** The attempt failed; `reason.value` is a `ConnectError` subclass. Called once. */
  clientConnectionFailed?(connector: IConnector, reason: Failure): CallbackResult;
  /**
   * An established connection closed, after the protocol's `connectionLost`. Also called,
   * with `ConnectionDone`, when `buildProtocol` returned `null` for a connection that was
   * made (it is closed at once), as in Twisted.
   */
  clientConnectionLost?(connector: IConnector, reason: Failure): CallbackResult;
}
