import { CannotListenError } from "@torsion/core";
import type {
  IDatagramProtocol,
  IMulticastTransport,
  ITransportHost,
  IUDPTransport,
  ListenMulticastOptions,
  ListenUDPOptions,
} from "@torsion/core";
import { MulticastPort } from "./multicast-port.js";
import { UDPPort } from "./udp-port.js";

/**
 * Binds a UDP port served by `protocol` (an instance, not a factory); used by
 * `NodeReactor.listenUDP`. When it returns the port is bound (port 0: `getHost()` tells
 * which), registered with `host` so `reactor.stop()` closes it, and `protocol.makeConnection`
 * has run. `interface` `""` binds every IPv4 address; an IPv6 literal (e.g. `"::1"`) makes
 * an IPv6 port.
 *
 * @throws CannotListenError synchronously, as Twisted does, when the address cannot be
 *   bound (`cause`: the Node error, e.g. `EADDRINUSE`) or `interface` is not an IP literal;
 *   the protocol is not started
 * @throws RangeError for a bad port number or `maxPacketSize`
 */
export function listenUDP(host: ITransportHost, port: number, protocol: IDatagramProtocol, options: ListenUDPOptions = {}): IUDPTransport {
  const udpPort = create(() => new UDPPort(host, port, protocol, options), options.interface ?? "", port);
  udpPort.startListening();
  return udpPort;
}

/**
 * Like {@link listenUDP}, with multicast controls (`joinGroup`, TTL, loopback, outgoing
 * interface); used by `NodeReactor.listenMulticast`. `listenMultiple` sets `SO_REUSEADDR`
 * so several sockets can share the port.
 *
 * @throws CannotListenError synchronously when the address cannot be bound
 */
export function listenMulticast(
  host: ITransportHost,
  port: number,
  protocol: IDatagramProtocol,
  options: ListenMulticastOptions = {},
): IMulticastTransport {
  const multicastPort = create(() => new MulticastPort(host, port, protocol, options), options.interface ?? "", port);
  multicastPort.startListening();
  return multicastPort;
}

function create<P extends UDPPort>(build: () => P, iface: string, port: number): P {
  try {
    return build();
  } catch (error) {
    if (error instanceof RangeError) throw error;
    throw new CannotListenError(iface, port, error);
  }
}
