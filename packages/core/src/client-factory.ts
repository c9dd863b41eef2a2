import type { Failure } from "@torsion/defer";
import { Factory } from "./factory.js";
import type { IConnector } from "./interfaces/i-connector.js";
import type { IClientFactory } from "./interfaces/i-protocol-factory.js";
import type { IProtocol } from "./interfaces/i-protocol.js";

/**
 * A factory for outgoing connections, with the client hooks as no-ops to override:
 * `startedConnecting`, then `clientConnectionFailed` or, after the protocol's
 * `connectionLost`, `clientConnectionLost`.
 */
export class ClientFactory<P extends IProtocol = IProtocol> extends Factory<P> implements IClientFactory {
  /** Override: an attempt started. */
  startedConnecting(connector: IConnector): void {}
  /** Override: the attempt failed (`reason.value` is a `ConnectError`). */
  clientConnectionFailed(connector: IConnector, reason: Failure): void {}
  /** Override: an established connection closed. */
  clientConnectionLost(connector: IConnector, reason: Failure): void {}
}
