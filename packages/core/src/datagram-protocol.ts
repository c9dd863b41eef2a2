import createDebug from "debug";
import type { IPAddress } from "./address.js";
import { NotConnectedError } from "./errors.js";
import type { IDatagramProtocol } from "./interfaces/i-datagram-protocol.js";
import type { CallbackResult } from "./interfaces/i-protocol.js";
import type { IUDPTransport } from "./interfaces/i-udp-transport.js";

const debug = createDebug("torsion:core:datagram-protocol");

/**
 * The base class of UDP protocols: one instance serves a port (or several). Override
 * `datagramReceived`, and optionally `startProtocol`/`stopProtocol`/`connectionRefused`.
 *
 * `startProtocol` runs when the first port using this instance starts and
 * `stopProtocol` when the last one stops (`numPorts` counts them).
 *
 * Any of the overrides may be `async` (Torsion's `inlineCallbacks`): a failed promise or
 * Deferred is reported through the error reporter exactly like a throw, and the port keeps
 * serving. `makeConnection`/`doStart` return what `startProtocol` returned, and `doStop`
 * what `stopProtocol` returned, so the port sees it.
 */
export class DatagramProtocol implements IDatagramProtocol {
  #transport: IUDPTransport | null = null;

  /**
   * The port this protocol writes to (set by `makeConnection`, cleared when the last
   * port stops).
   *
   * @throws NotConnectedError when no port is attached (see {@link transportOrNull})
   */
  get transport(): IUDPTransport {
    const transport = this.#transport;
    if (transport === null) throw new NotConnectedError(`${this.constructor.name}.transport was used while no port is attached`);
    return transport;
  }

  /** Sets (or clears) the port. */
  set transport(transport: IUDPTransport | null) {
    this.#transport = transport;
  }

  /** The port, or `null` when none is attached; never throws. */
  get transportOrNull(): IUDPTransport | null {
    return this.#transport;
  }
  /** How many ports use this protocol now. */
  numPorts = 0;

  /** Called by a port once it is bound. Sets `transport`, then counts the port in. */
  makeConnection(transport: IUDPTransport): CallbackResult {
    this.#transport = transport;
    return this.doStart();
  }

  /** Counts a port in; the first one calls `startProtocol` (and returns its result). */
  doStart(): CallbackResult {
    let result: CallbackResult = undefined;
    if (this.numPorts === 0) {
      debug("starting %s", this.constructor.name);
      result = this.startProtocol();
    }
    this.numPorts++;
    return result;
  }

  /** Counts a port out; the last one clears `transport` and calls `stopProtocol`. */
  doStop(): CallbackResult {
    if (this.numPorts === 0) return undefined;
    this.numPorts--;
    if (this.numPorts !== 0) return undefined;
    debug("stopping %s", this.constructor.name);
    this.#transport = null;
    return this.stopProtocol();
  }

  /** Override: the first port is listening. */
  startProtocol(): CallbackResult {}
  /** Override: the last port stopped. */
  stopProtocol(): CallbackResult {}
  /**
   * Override: a datagram arrived from `addr`, which `this.transport.write(reply, addr)`
   * takes back as it is.
   */
  datagramReceived(data: Buffer, addr: IPAddress): CallbackResult {
    debug("%s discarded a %d-byte datagram from %s", this.constructor.name, data.length, addr);
  }
  /** Override: in connected mode, the peer's port was unreachable (ICMP). */
  connectionRefused(): CallbackResult {}
}
