import { isIP } from "node:net";
import { IPv4Address, IPv6Address, InvalidAddressError } from "@torsion/core";
import type { DatagramAddress } from "@torsion/core";

/** The two kinds of `node:dgram` socket. */
export type SocketFamily = "udp4" | "udp6";

/** Twisted's special host name for the IPv4 limited broadcast address. */
export const BROADCAST_HOST = "<broadcast>";

/** Where `listenUDP` binds: the socket family and the IP literal handed to `bind`. */
export interface BindTarget {
  readonly family: SocketFamily;
  readonly address: string;
}

/**
 * Picks the socket family for a listening interface, as Twisted does: `""` binds every IPv4
 * address, an IPv4 literal makes a `udp4` socket, an IPv6 literal a `udp6` socket.
 *
 * @throws InvalidAddressError when `iface` is not an IP literal (host names are not resolved)
 */
export function bindTarget(iface: string): BindTarget {
  if (iface === "") return { family: "udp4", address: "0.0.0.0" };
  const kind = isIP(iface);
  if (kind === 4) return { family: "udp4", address: iface };
  if (kind === 6) return { family: "udp6", address: iface };
  throw new InvalidAddressError(`UDP interface must be an IP address or "", not ${JSON.stringify(iface)}`);
}

/**
 * Checks that `host` is an IP literal a `family` socket can send to and returns it in the
 * form `dgram` takes (`"<broadcast>"` becomes `255.255.255.255`).
 *
 * @throws InvalidAddressError for host names and for the other family's addresses
 */
export function checkHost(host: unknown, family: SocketFamily): string {
  if (typeof host !== "string") throw new InvalidAddressError(`UDP host must be a string, not ${typeof host}`);
  const kind = isIP(host);
  if (family === "udp4") {
    if (kind === 4) return host;
    if (host === BROADCAST_HOST) return "255.255.255.255";
    throw new InvalidAddressError(`IPv4 UDP port needs an IPv4 address, not ${JSON.stringify(host)} (host names are not resolved)`);
  }
  if (kind === 6) return host;
  throw new InvalidAddressError(`IPv6 UDP port needs an IPv6 address, not ${JSON.stringify(host)} (host names are not resolved)`);
}

/**
 * Splits a datagram destination (an `IPv4Address`/`IPv6Address` or Twisted's
 * `[host, port]` pair) into its host and port. Validates the shape only.
 *
 * @throws TypeError when `addr` is neither an address object nor a `[host, port]` pair
 */
export function splitAddress(addr: DatagramAddress): readonly [host: unknown, port: unknown] {
  if (addr instanceof IPv4Address || addr instanceof IPv6Address) return [addr.host, addr.port];
  if (Array.isArray(addr) && (addr.length as number) === 2) return addr;
  throw new TypeError("UDP address must be an IPv4Address, an IPv6Address or a [host, port] pair");
}

/** The callback shape `node:dgram` hands to a custom `lookup`. */
export type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * The `lookup` given to every Torsion UDP socket: it accepts IP literals only and answers
 * synchronously. Because of it, `socket.bind()` binds before it returns (so `listenUDP` can
 * throw `CannotListenError` at once, like Twisted) and `send()` skips the DNS round trip
 * and the extra tick `dns.lookup` costs even for literals. Host names are refused before
 * they reach `dgram` (`checkHost`), so the error branch is a safety net.
 */
export function ipLiteralLookup(hostname: string, _options: unknown, callback: LookupCallback): void {
  const kind = isIP(hostname);
  if (kind === 0) {
    callback(new InvalidAddressError(`not an IP address: ${JSON.stringify(hostname)}`), "", 0);
    return;
  }
  callback(null, hostname, kind);
}
