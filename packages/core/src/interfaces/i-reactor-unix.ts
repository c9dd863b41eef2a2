import type { UNIXAddress } from "../address.js";
import type { IConnector } from "./i-connector.js";
import type { IListeningPort } from "./i-listening-port.js";
import type { IClientFactory, IProtocolFactory } from "./i-protocol-factory.js";

/** Options of `listenUNIX`. */
export interface ListenUNIXOptions {
  /** @default 50 */
  readonly backlog?: number;
  /** File mode of the socket file. @default 0o666 */
  readonly mode?: number;
  /** Keep a `<path>.lock` file naming this process, and reclaim stale sockets. @default false */
  readonly wantPID?: boolean;
}

/** Options of `connectUNIX`. */
export interface ConnectUNIXOptions {
  /** @default 30 */
  readonly timeout?: number;
  /** Refuse to connect unless the lock file names a live process. @default false */
  readonly checkPID?: boolean;
}

/** Unix stream sockets; a name starting with `"\0"` is a Linux abstract address. */
export interface IReactorUNIX {
  listenUNIX(address: string, factory: IProtocolFactory, options?: ListenUNIXOptions): IListeningPort<UNIXAddress>;
  connectUNIX(address: string, factory: IClientFactory, options?: ConnectUNIXOptions): IConnector;
}
