import { UnsupportedAddressFamily } from "@torsion/core";

/** Options of `NodeReactor.listenUNIXDatagram` (accepted for Twisted compatibility; unsupported). */
export interface ListenUNIXDatagramOptions {
  /** @default 8192 */
  readonly maxPacketSize?: number;
  /** @default 0o666 */
  readonly mode?: number;
}

/** Options of `NodeReactor.connectUNIXDatagram` (accepted for Twisted compatibility; unsupported). */
export interface ConnectUNIXDatagramOptions extends ListenUNIXDatagramOptions {
  /** Local socket path to bind. */
  readonly bindAddress?: string;
}

/**
 * The error `listenUNIXDatagram`/`connectUNIXDatagram` throw: Node.js core has no AF_UNIX
 * datagram sockets (`node:dgram` creates only `udp4`/`udp6` sockets, `node:net` only
 * stream sockets), and Torsion's runtime dependencies exclude native add-ons.
 */
export function unsupportedUnixDatagram(method: string, address: string): UnsupportedAddressFamily {
  return new UnsupportedAddressFamily(
    `${method}(${JSON.stringify(address)}): Unix datagram sockets are not supported, because Node.js core ` +
      "cannot open AF_UNIX datagram sockets (node:dgram only supports udp4 and udp6); use listenUDP on " +
      "127.0.0.1 or a Unix stream socket (listenUNIX/connectUNIX) instead",
  );
}
