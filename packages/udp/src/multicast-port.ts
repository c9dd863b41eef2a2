import type { Socket } from "node:dgram";
import createDebug from "debug";
import { MulticastJoinError, NotListeningError } from "@torsion/core";
import type { IDatagramProtocol, IMulticastTransport, ITransportHost } from "@torsion/core";
import { fail, succeed } from "@torsion/defer";
import type { Deferred } from "@torsion/defer";
import { checkHost } from "./datagram-address.js";
import { UDPPort } from "./udp-port.js";

const debug = createDebug("torsion:udp:multicast-port");

/** Options of {@link MulticastPort}. */
export interface MulticastPortOptions {
  /** The IP address to bind; `""` means every IPv4 address. @default "" */
  readonly interface?: string;
  /** Largest datagram `write` accepts (bytes). @default 8192 */
  readonly maxPacketSize?: number;
  /** Let several sockets (and processes) bind the same port: `SO_REUSEADDR`. @default false */
  readonly listenMultiple?: boolean;
}

/**
 * A UDP port with multicast controls, Twisted's `udp.MulticastPort`. Group addresses and
 * interfaces must be IP literals (Twisted resolves names; Torsion does not).
 *
 * TTL, loopback mode and outgoing interface are remembered by the port (Node has no
 * getters) and re-applied if the port is started again. Defaults are the kernel's:
 * TTL 1, loopback on, outgoing interface chosen by the kernel (`"0.0.0.0"`/`"::"`).
 */
export class MulticastPort extends UDPPort implements IMulticastTransport {
  #ttl = 1;
  #loopback = true;
  #outgoingInterface: string;

  constructor(host: ITransportHost, port: number, protocol: IDatagramProtocol, options: MulticastPortOptions = {}) {
    const base = { reuseAddr: options.listenMultiple ?? false };
    super(host, port, protocol, {
      ...base,
      ...(options.interface === undefined ? {} : { interface: options.interface }),
      ...(options.maxPacketSize === undefined ? {} : { maxPacketSize: options.maxPacketSize }),
    });
    this.#outgoingInterface = this.family === "udp4" ? "0.0.0.0" : "::";
  }

  /**
   * Joins the multicast group `addr` on the interface with address `iface` (`""`: the
   * kernel picks one). The Deferred has fired when this returns: with `undefined`, or with a
   * `MulticastJoinError` whose `cause` is the Node error (e.g. `EADDRINUSE` when already
   * joined, `EINVAL` for a non-multicast address, `NotListeningError` when stopped).
   */
  joinGroup(addr: string, iface = ""): Deferred<void> {
    return this.#membership("join", addr, iface);
  }

  /** Leaves a group joined with `joinGroup`; fails like it (`MulticastJoinError`, e.g. `EADDRNOTAVAIL` when not joined). */
  leaveGroup(addr: string, iface = ""): Deferred<void> {
    return this.#membership("leave", addr, iface);
  }

  /** The multicast TTL set with `setTTL`. @default 1 */
  getTTL(): number {
    return this.#ttl;
  }

  /** Sets the multicast TTL (`IP_MULTICAST_TTL`, 0..255). @throws RangeError outside 0..255 */
  setTTL(ttl: number): void {
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > 255) throw new RangeError(`multicast TTL must be an integer in 0..255, not ${ttl}`);
    this.#ttl = ttl;
    this.socket?.setMulticastTTL(ttl);
  }

  /** Whether this host's own members receive what the port sends to a group. @default true */
  getLoopbackMode(): boolean {
    return this.#loopback;
  }

  /** Sets `IP_MULTICAST_LOOP`. */
  setLoopbackMode(enabled: boolean): void {
    this.#loopback = enabled;
    this.socket?.setMulticastLoopback(enabled);
  }

  /** The interface address multicast datagrams leave by. @default "0.0.0.0" (IPv6: "::") */
  getOutgoingInterface(): string {
    return this.#outgoingInterface;
  }

  /**
   * Sets the interface multicast datagrams leave by (`IP_MULTICAST_IF`), given by its IP
   * address (IPv6: `"::%eth0"` style scope). The Deferred has fired when this returns;
   * a refused address fails it with the Node error.
   */
  setOutgoingInterface(addr: string): Deferred<void> {
    try {
      checkHost(addr.split("%")[0], this.family);
      const socket = this.socket;
      if (socket === null) throw new NotListeningError("setOutgoingInterface needs a listening port");
      socket.setMulticastInterface(addr);
    } catch (error) {
      return fail(error);
    }
    this.#outgoingInterface = addr;
    return succeed(undefined);
  }

  protected override socketBound(socket: Socket): void {
    if (this.#ttl !== 1) socket.setMulticastTTL(this.#ttl);
    if (!this.#loopback) socket.setMulticastLoopback(false);
    const any = this.family === "udp4" ? "0.0.0.0" : "::";
    if (this.#outgoingInterface !== any) socket.setMulticastInterface(this.#outgoingInterface);
  }

  #membership(action: "join" | "leave", addr: string, iface: string): Deferred<void> {
    try {
      const group = checkHost(addr, this.family);
      const socket = this.socket;
      if (socket === null) throw new NotListeningError(`${action}Group needs a listening port`);
      if (action === "join") socket.addMembership(group, iface === "" ? undefined : iface);
      else socket.dropMembership(group, iface === "" ? undefined : iface);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      debug("%sGroup(%s, %s) failed: %s", action, addr, iface, why);
      return fail(
        new MulticastJoinError(`Couldn't ${action} multicast group ${addr} on ${iface || "any interface"}: ${why}`, { cause: error }),
      );
    }
    return succeed(undefined);
  }
}
