import createDebug from "debug";
import { IPv4Address, IPv6Address, UNIXAddress } from "@torsion/core";
import type { IAddress, IProtocolFactory } from "@torsion/core";
import { InvalidPolicyOptionError } from "./errors.js";
import type { ProtocolWrapper } from "./protocol-wrapper.js";
import { WrappingFactory } from "./wrapping-factory.js";

const debug = createDebug("torsion:protocols:limit-connections-by-peer");

/** Options of {@link LimitConnectionsByPeer}. */
export interface LimitConnectionsByPeerOptions {
  /**
   * How many connections one peer may have open at once.
   * @default 5
   */
  readonly maxConnectionsPerPeer?: number;
  /**
   * Maps a peer address to the key connections are counted under.
   * @default `peerHostKey` (the IP host, ignoring the port; the path for Unix sockets)
   */
  readonly peerKey?: (addr: IAddress) => string;
}

/**
 * The default peer key: `host` of an IPv4/IPv6 address (so every port of one host
 * counts together), `unix:<path>` for a Unix address, and `toString()` for anything else.
 */
export function peerHostKey(addr: IAddress): string {
  if (addr instanceof IPv4Address || addr instanceof IPv6Address) return addr.host;
  if (addr instanceof UNIXAddress) return `unix:${addr.name ?? ""}`;
  return addr.toString();
}

/**
 * Refuses a connection when its peer host already has `maxConnectionsPerPeer` open
 * (Twisted's `LimitConnectionsByPeer`, with the address handled as an address object
 * rather than indexed like a tuple, which breaks Twisted's version). The slot is freed
 * when the connection is lost, under the key computed when it was accepted.
 */
export class LimitConnectionsByPeer extends WrappingFactory {
  readonly maxConnectionsPerPeer: number;
  /** Open connections per peer key; keys with no connection are removed. */
  readonly peerConnections = new Map<string, number>();
  readonly #peerKey: (addr: IAddress) => string;
  readonly #keys = new WeakMap<ProtocolWrapper, string>();

  constructor(wrappedFactory: IProtocolFactory, options: LimitConnectionsByPeerOptions = {}) {
    super(wrappedFactory);
    this.maxConnectionsPerPeer = options.maxConnectionsPerPeer ?? 5;
    if (!(this.maxConnectionsPerPeer >= 0)) {
      throw new InvalidPolicyOptionError(`maxConnectionsPerPeer must be >= 0, not ${this.maxConnectionsPerPeer}`);
    }
    this.#peerKey = options.peerKey ?? peerHostKey;
  }

  /** Builds the wrapped protocol unless `addr`'s peer is at its limit (then `null`). */
  override buildProtocol(addr: IAddress): ProtocolWrapper | null {
    const key = this.#peerKey(addr);
    const count = this.peerConnections.get(key) ?? 0;
    if (count >= this.maxConnectionsPerPeer) {
      debug("refusing %s: %d connections already", key, count);
      return null;
    }
    const wrapper = super.buildProtocol(addr);
    if (wrapper === null) return null;
    this.peerConnections.set(key, count + 1);
    this.#keys.set(wrapper, key);
    return wrapper;
  }

  override unregisterProtocol(wrapper: ProtocolWrapper): void {
    super.unregisterProtocol(wrapper);
    const key = this.#keys.get(wrapper);
    if (key === undefined) return;
    this.#keys.delete(wrapper);
    const count = (this.peerConnections.get(key) ?? 1) - 1;
    if (count <= 0) this.peerConnections.delete(key);
    else this.peerConnections.set(key, count);
  }
}
