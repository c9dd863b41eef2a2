import type { IPAddress } from "../address.js";
import type { CallbackResult } from "./i-protocol.js";
import type { IUDPTransport } from "./i-udp-transport.js";

/**
 * The handler of a UDP port. `makeConnection` is called when a port starts; the
 * protocol's `startProtocol` runs once however many ports share it (and `stopProtocol`
 * when the last one stops).
 *
 * Each callback may be `async` (see {@link CallbackResult}): one that throws, or whose
 * promise/Deferred fails, with any value at all, is reported through the host's error
 * reporter, and the port keeps serving.
 */
export interface IDatagramProtocol {
  /** Attaches the port; called once per port, when it is bound. */
  makeConnection(transport: IUDPTransport): CallbackResult;
  /** Called when a port using this protocol stops (balanced with `makeConnection`). */
  doStop(): CallbackResult;
  /**
   * A datagram arrived from `addr` (an address object that `transport.write(data, addr)`
   * accepts back). The buffer belongs to the protocol.
   */
  datagramReceived(data: Buffer, addr: IPAddress): CallbackResult;
  /** In connected mode, the peer answered with ICMP port unreachable. */
  connectionRefused(): CallbackResult;
}
