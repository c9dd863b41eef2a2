import { ConnectorState, IPv4Address, IPv6Address, UNIXAddress, type IAddress, type IProtocol } from "@torsion/core";
import type { ConnectedServerAndClientOptions } from "./connected-server-and-client.js";
import { NoListeningPortError, NoPendingConnectionError } from "./errors.js";
import type { FakeConnector } from "./fake-connector.js";
import type { FakeListeningPort } from "./fake-listening-port.js";
import { FakeTransport } from "./fake-transport.js";
import { IOPump } from "./io-pump.js";
import type { MemoryReactor } from "./memory-reactor.js";
import { StringTransport } from "./string-transport.js";

/** What {@link connectPending} returns. */
export interface PendingConnection {
  /** The protocol the client factory built (for an endpoint, its wrapper; the endpoint's Deferred has the user's protocol). */
  readonly client: IProtocol;
  /** The protocol the listening port's factory built. */
  readonly server: IProtocol;
  readonly pump: IOPump;
  readonly connector: FakeConnector;
  readonly port: FakeListeningPort;
}

let nextClientPort = 52000;

function portNumber(address: IAddress): number | null {
  return address instanceof IPv4Address || address instanceof IPv6Address ? address.port : null;
}

function matches(port: FakeListeningPort, destination: IAddress): boolean {
  if (!port.listening) return false;
  const host = port.getHost();
  if (destination instanceof UNIXAddress) return host instanceof UNIXAddress && host.name === destination.name;
  const wanted = portNumber(destination);
  return wanted !== null && portNumber(host) === wanted;
}

/**
 * Connects the oldest pending attempt of a {@link MemoryReactor} (a `connectTCP` /
 * `connectUNIX`, e.g. from a client endpoint) to the reactor's listening port at its
 * destination (a `listenTCP` with the same port number, on any interface, or a
 * `listenUNIX` with the same path), in memory, as `connectedServerAndClient` does: both
 * factories build a protocol, the server's `makeConnection` runs first, and an
 * {@link IOPump} moves the bytes (flushed once unless `greet: false`).
 *
 * So a program that listens and connects through endpoints (`serverFromString(reactor,
 * "tcp:8080")`, `clientFromString(reactor, "tcp:localhost:8080")`) runs whole on a
 * `MemoryReactor`, without sockets.
 *
 * @throws NoPendingConnectionError when no attempt is pending
 * @throws NoListeningPortError when nothing listens at the destination (use
 *   `ConnectionCompleter.failOnce` to simulate a refusal)
 */
export function connectPending(reactor: MemoryReactor, options: ConnectedServerAndClientOptions = {}): PendingConnection {
  const connector = reactor.connectors.find((c) => c.state === ConnectorState.connecting);
  if (connector === undefined) throw new NoPendingConnectionError("no connection attempt is pending");
  const destination = connector.getDestination();
  const port = reactor.ports.find((p) => matches(p, destination));
  if (port === undefined) throw new NoListeningPortError(`nothing listens at ${String(destination)}`);
  const serverAddress = port.getHost();
  const clientAddress =
    destination instanceof UNIXAddress
      ? new UNIXAddress(null)
      : destination instanceof IPv6Address
        ? new IPv6Address("TCP", "::1", nextClientPort++)
        : new IPv4Address("TCP", "127.0.0.1", nextClientPort++);
  if (nextClientPort > 60000) nextClientPort = 52000;
  const server = port.factory.buildProtocol(clientAddress);
  const client = connector.factory.buildProtocol(destination);
  if (server === null || client === null) {
    connector.state = ConnectorState.disconnected;
    throw new TypeError(`the ${server === null ? "server" : "client"} factory refused to build a protocol`);
  }
  connector.state = ConnectorState.connected;
  const serverIO = new FakeTransport(server, { hostAddress: serverAddress, peerAddress: clientAddress, isServer: true });
  const clientIO = new FakeTransport(client, { hostAddress: clientAddress, peerAddress: destination });
  const pump = new IOPump(client, server, clientIO, serverIO, { chunkSize: options.chunkSize ?? Infinity, clock: options.clock ?? null });
  pump.watch(serverIO, server.makeConnection(serverIO), "makeConnection");
  pump.watch(clientIO, client.makeConnection(clientIO), "makeConnection");
  if (options.greet ?? true) pump.flush();
  return { client, server, pump, connector, port };
}

/**
 * Hands a listening fake port (from `MemoryReactor.listenTCP`/`listenUNIX`, e.g. via a
 * server endpoint) one incoming connection from `peer`: its factory builds a protocol,
 * which is connected to a new {@link StringTransport}. Returns `null` when the factory
 * refuses (returns `null`).
 *
 * @param peer - @default 127.0.0.1 on a fresh port (or an unnamed Unix peer)
 */
export function acceptConnection(
  port: FakeListeningPort,
  peer?: IAddress,
): { readonly protocol: IProtocol; readonly transport: StringTransport } | null {
  const host = port.getHost();
  const from = peer ?? (host instanceof UNIXAddress ? new UNIXAddress(null) : new IPv4Address("TCP", "127.0.0.1", nextClientPort++));
  const protocol = port.factory.buildProtocol(from);
  if (protocol === null) return null;
  const transport = new StringTransport({ hostAddress: host, peerAddress: from });
  protocol.makeConnection(transport);
  return { protocol, transport };
}
