import {
  ConnectionRefusedError,
  ConnectorState,
  IPv4Address,
  IPv6Address,
  UNIXAddress,
  type IAddress,
  type IProtocol,
} from "@torsion/core";
import { NoPendingConnectionError } from "./errors.js";
import type { FakeConnector } from "./fake-connector.js";
import type { MemoryReactor } from "./memory-reactor.js";
import { StringTransport } from "./string-transport.js";

/**
 * Completes (or fails) the connection attempts recorded by a {@link MemoryReactor}, one
 * at a time, oldest first: the first connector still in state `"connecting"`.
 */
export class ConnectionCompleter {
  readonly #reactor: MemoryReactor;
  #nextLocalPort = 50000;

  constructor(memoryReactor: MemoryReactor) {
    this.#reactor = memoryReactor;
  }

  /**
   * Completes the oldest pending attempt: the factory builds a protocol for the
   * destination, which is connected to a new {@link StringTransport} (peer = destination,
   * host = a loopback address) and returned; the connector becomes `"connected"`. When
   * the factory returns `null`, the connector becomes `"disconnected"` and `null` is
   * returned.
   *
   * @throws NoPendingConnectionError when no attempt is pending
   */
  succeedOnce(): IProtocol | null {
    const connector = this.#pending();
    const destination = connector.getDestination();
    const protocol = connector.factory.buildProtocol(destination);
    if (protocol === null) {
      connector.state = ConnectorState.disconnected;
      return null;
    }
    connector.state = ConnectorState.connected;
    const transport = new StringTransport({ hostAddress: this.#localAddress(destination), peerAddress: destination });
    protocol.makeConnection(transport);
    return protocol;
  }

  /**
   * Fails the oldest pending attempt (`FakeConnector.connectionFailed`): the connector
   * becomes `"disconnected"`, the factory's `clientConnectionFailed` gets `reason`
   * (wrapped in a Failure), and the factory is stopped unless it reconnected.
   *
   * @param reason - @default new ConnectionRefusedError()
   * @throws NoPendingConnectionError when no attempt is pending
   */
  failOnce(reason: unknown = new ConnectionRefusedError()): void {
    this.#pending().connectionFailed(reason);
  }

  #pending(): FakeConnector {
    const connector = this.#reactor.connectors.find((c) => c.state === ConnectorState.connecting);
    if (connector === undefined) throw new NoPendingConnectionError("no connection attempt is pending");
    return connector;
  }

  #localAddress(destination: IAddress): IAddress {
    if (destination instanceof UNIXAddress) return new UNIXAddress(null);
    const port = this.#nextLocalPort++;
    if (destination instanceof IPv6Address) return new IPv6Address("TCP", "::1", port);
    return new IPv4Address("TCP", "127.0.0.1", port);
  }
}
