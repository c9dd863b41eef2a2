import type { IDatagramProtocol } from "./i-datagram-protocol.js";
import type { IMulticastTransport, IUDPTransport } from "./i-udp-transport.js";

/** Options of `listenUDP`. */
export interface ListenUDPOptions {
  /** The address to bind; `""` means every IPv4 address. @default "" */
  readonly interface?: string;
  /** Largest datagram accepted for sending. @default 8192 */
  readonly maxPacketSize?: number;
}

/** Options of `listenMulticast`. */
export interface ListenMulticastOptions extends ListenUDPOptions {
  /** Let several sockets bind the same port (SO_REUSEADDR). @default false */
  readonly listenMultiple?: boolean;
}

/** UDP ports. A `DatagramProtocol` instance (not a factory) serves each port. */
export interface IReactorUDP {
  /** Binds `port` (0 picks one); calls `protocol.makeConnection(port)` once bound. */
  listenUDP(port: number, protocol: IDatagramProtocol, options?: ListenUDPOptions): IUDPTransport;
}

/** UDP ports with multicast controls. */
export interface IReactorMulticast {
  listenMulticast(port: number, protocol: IDatagramProtocol, options?: ListenMulticastOptions): IMulticastTransport;
}
