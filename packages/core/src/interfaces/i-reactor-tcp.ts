import type { IPAddress } from "../address.js";
import type { IConnector } from "./i-connector.js";
import type { IListeningPort } from "./i-listening-port.js";
import type { IClientFactory, IProtocolFactory } from "./i-protocol-factory.js";

/** Options of `listenTCP`. */
export interface ListenTCPOptions {
  /** Pending-connection queue size. @default 50 */
  readonly backlog?: number;
  /** The address to bind; `""` means every IPv4 address, `"::"` every IPv6 address. @default "" */
  readonly interface?: string;
}

/** Options of `connectTCP`. */
export interface ConnectTCPOptions {
  /** Seconds to wait for the connection before failing with `TimeoutError`. @default 30 */
  readonly timeout?: number;
  /** Local `[host, port]` to bind before connecting. */
  readonly bindAddress?: readonly [host: string, port: number];
}

/** TCP servers and clients. */
export interface IReactorTCP {
  /** Listens on `port` (0 picks a free one). Throws `CannotListenError` synchronously. */
  listenTCP(port: number, factory: IProtocolFactory, options?: ListenTCPOptions): IListeningPort<IPAddress>;
  /** Connects to `host:port`; events reach the factory (see `IClientFactory`). */
  connectTCP(host: string, port: number, factory: IClientFactory, options?: ConnectTCPOptions): IConnector;
}
