import type { IConnector } from "./i-connector.js";
import type { IListeningPort } from "./i-listening-port.js";
import type { IClientFactory, IProtocolFactory } from "./i-protocol-factory.js";

/** Options of {@link IReactorSSL.listenSSL}. */
export interface ListenSSLOptions {
  /** @default 50 */
  readonly backlog?: number;
  /** Address to bind. @default "" (every IPv4 address) */
  readonly interface?: string;
}

/** Options of {@link IReactorSSL.connectSSL}. */
export interface ConnectSSLOptions {
  /** Seconds before the TCP connection attempt fails with `TimeoutError`. @default 30 */
  readonly timeout?: number;
  /** Local address to bind first. @default none */
  readonly bindAddress?: readonly [host: string, port: number];
}

/**
 * TLS over TCP (Twisted's `IReactorSSL`). `contextFactory` is `@torsion/tls`'s
 * `CertificateOptions` (server or client) or, for `connectSSL`, what
 * `optionsForClientTLS` returns. Protocols get an `ISSLTransport`; `connectionMade`
 * fires when TCP is connected (before the handshake, as in Twisted), and writes made
 * before the handshake is done are sent once it is.
 */
export interface IReactorSSL {
  listenSSL(port: number, factory: IProtocolFactory, contextFactory: object, options?: ListenSSLOptions): IListeningPort;
  connectSSL(host: string, port: number, factory: IClientFactory, contextFactory: object, options?: ConnectSSLOptions): IConnector;
}
