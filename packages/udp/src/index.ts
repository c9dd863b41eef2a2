/**
 * `@torsion/udp`: UDP and multicast ports over `node:dgram`, with Twisted's `udp.Port`
 * semantics. The reactor calls `listenUDP`/`listenMulticast`; users get the port back as
 * an `IUDPTransport`/`IMulticastTransport`.
 */
export { listenUDP, listenMulticast } from "./listen-udp.js";
export { UDPPort, type UDPPortOptions, type UDPPortState } from "./udp-port.js";
export { MulticastPort, type MulticastPortOptions } from "./multicast-port.js";
export { BROADCAST_HOST, type SocketFamily } from "./datagram-address.js";
export { DatagramSocketError, AlreadyConnectedError, AlreadyListeningError } from "./errors.js";
