import type { IAddress } from "../address.js";
import type { IUDPTransport } from "./i-udp-transport.js";

/**
 * The handler of a UDP port. `makeConnection` is called when a port starts; the
 * protocol's `startProtocol` runs once however many ports share it (and `stopProtocol`
 * when the last one stops).
 */
export interface IDatagramProtocol {
  /** Attaches the port; called once per port, when it is bound. */
  makeConnection(transport: IUDPTransport): void;
  /** Called when a port using this protocol stops (balanced with `makeConnection`). */
  doStop(): void;
  /** A datagram arrived from `addr`. The buffer belongs to the protocol. */
  datagramReceived(data: Buffer, addr: IAddress): void;
  /** In connected mode, the peer answered with ICMP port unreachable. */
  connectionRefused(): void;
}
