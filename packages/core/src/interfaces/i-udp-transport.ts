import type { Deferred } from "@torsion/defer";
import type { IPv4Address, IPv6Address } from "../address.js";

/** Where a datagram goes: an address object or Twisted's `(host, port)` pair. */
export type DatagramAddress = IPv4Address | IPv6Address | readonly [host: string, port: number];

/** A UDP port as seen by its `DatagramProtocol`. */
export interface IUDPTransport {
  /**
   * Sends one datagram. In unconnected mode `addr` is required; in connected mode it must
   * be omitted (or equal the connected address). A datagram larger than the port's
   * `maxPacketSize` throws `MessageLengthError` synchronously and nothing is sent.
   * Non-bytes throw `TypeError`. Ignored after `stopListening`.
   */
  write(datagram: Uint8Array, addr?: DatagramAddress): void;
  /**
   * Switches to connected mode: only datagrams from `host:port` are delivered, `write`
   * takes no address, and an ICMP port-unreachable calls `protocol.connectionRefused()`.
   * `host` must be an IP literal. Can be called once.
   */
  connect(host: string, port: number): void;
  /** The local address; after binding port 0 it tells the real port. */
  getHost(): IPv4Address | IPv6Address;
  /** Closes the port; the Deferred fires once it is closed and `stopProtocol` ran. */
  stopListening(): Deferred<void>;
  setBroadcastAllowed(enabled: boolean): void;
  getBroadcastAllowed(): boolean;
}

/** A UDP port with multicast controls (`listenMulticast`). */
export interface IMulticastTransport extends IUDPTransport {
  /** Joins `addr` on `iface` (default: any). Fails with `MulticastJoinError`. */
  joinGroup(addr: string, iface?: string): Deferred<void>;
  /** Leaves a group joined earlier. */
  leaveGroup(addr: string, iface?: string): Deferred<void>;
  getTTL(): number;
  setTTL(ttl: number): void;
  getLoopbackMode(): boolean;
  setLoopbackMode(enabled: boolean): void;
  getOutgoingInterface(): string;
  setOutgoingInterface(addr: string): Deferred<void>;
}
