import { IPv4Address, type IAddress, type IProtocol } from "@torsion/core";
import { FakeTransport } from "./fake-transport.js";
import { IOPump } from "./io-pump.js";

/** Anything that builds protocols (a `Factory`). */
export interface ProtocolBuilder<P extends IProtocol> {
  buildProtocol(addr: IAddress): P | null;
}

/** Options of {@link connectedServerAndClient}. */
export interface ConnectedServerAndClientOptions {
  /** Largest slice per `dataReceived` call (see `IOPump`). @default Infinity */
  readonly chunkSize?: number;
  /** A clock advanced by 0 on every pump round. @default null */
  readonly clock?: { advance(amount: number): void } | null;
  /** Flush once after connecting, so greetings written in `connectionMade` arrive. @default true */
  readonly greet?: boolean;
}

/** What {@link connectedServerAndClient} returns. */
export interface ConnectedServerAndClient<S extends IProtocol, C extends IProtocol> {
  readonly client: C;
  readonly server: S;
  readonly pump: IOPump;
}

let nextClientPort = 50000;
const SERVER_PORT = 4321;

/**
 * Builds a server protocol and a client protocol with the factories and connects them in
 * memory (Twisted's `iosim.connectedServerAndClient`), on loopback addresses: the server
 * at 127.0.0.1:4321, the client at 127.0.0.1 on a fresh port. The server's
 * `makeConnection` runs first, then the client's; with `greet` (the default) the pump is
 * flushed once. Move data afterwards with `pump.pump()`/`pump.flush()`.
 *
 * @throws TypeError when a factory returns `null`
 */
export function connectedServerAndClient<S extends IProtocol, C extends IProtocol>(
  serverFactory: ProtocolBuilder<S>,
  clientFactory: ProtocolBuilder<C>,
  options: ConnectedServerAndClientOptions = {},
): ConnectedServerAndClient<S, C> {
  const serverAddress = new IPv4Address("TCP", "127.0.0.1", SERVER_PORT);
  const clientAddress = new IPv4Address("TCP", "127.0.0.1", nextClientPort);
  nextClientPort = nextClientPort >= 65000 ? 50000 : nextClientPort + 1;
  const server = serverFactory.buildProtocol(clientAddress);
  const client = clientFactory.buildProtocol(serverAddress);
  if (server === null || client === null) {
    throw new TypeError(`the ${server === null ? "server" : "client"} factory refused to build a protocol`);
  }
  const serverIO = new FakeTransport(server, { hostAddress: serverAddress, peerAddress: clientAddress, isServer: true });
  const clientIO = new FakeTransport(client, { hostAddress: clientAddress, peerAddress: serverAddress });
  const pump = new IOPump(client, server, clientIO, serverIO, { chunkSize: options.chunkSize ?? Infinity, clock: options.clock ?? null });
  pump.watch(serverIO, server.makeConnection(serverIO), "makeConnection");
  pump.watch(clientIO, client.makeConnection(clientIO), "makeConnection");
  if (options.greet ?? true) pump.flush();
  return { client, server, pump };
}
