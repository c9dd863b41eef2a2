import createDebug from "debug";
import type { Failure } from "@torsion/defer";
import { ProtocolLifecycleError } from "./errors.js";
import type { IProtocol } from "./interfaces/i-protocol.js";
import type { IProtocolFactory } from "./interfaces/i-protocol-factory.js";
import type { ITransport } from "./interfaces/i-transport.js";

const debug = createDebug("torsion:core:protocol");

/**
 * The common base of stream protocols: the `connected` flag, the `transport`, and
 * `makeConnection`, which sets both and calls `connectionMade`.
 */
export class BaseProtocol {
  /** True between `makeConnection` and `connectionLost`. */
  connected = false;
  /** The transport, set by `makeConnection`; `null` before. */
  transport: ITransport | null = null;

  /** Attaches `transport` and calls `connectionMade`. Called once, by the transport. */
  makeConnection(transport: ITransport): void {
    this.connected = true;
    this.transport = transport;
    this.connectionMade();
  }

  /** Override: the connection is up. The default does nothing. */
  connectionMade(): void {}
}

type Lifecycle = "new" | "connected" | "lost";

/**
 * The base class of stream protocols: subclass it and override `connectionMade`,
 * `dataReceived` and `connectionLost`.
 *
 * The lifecycle is enforced: `dataReceived` before `makeConnection` or after
 * `connectionLost`, a second `makeConnection`, and `connectionLost` before
 * `makeConnection` or twice, throw {@link ProtocolLifecycleError}. (The guards wrap the
 * subclass's overrides on each instance, so they hold however the methods are overridden
 * as methods.)
 *
 * @example
 * ```ts
 * class Echo extends Protocol {
 *   override dataReceived(data: Buffer) { this.transport!.write(data); }
 * }
 * ```
 */
export class Protocol extends BaseProtocol implements IProtocol {
  /** The factory that built this protocol (set by `Factory.buildProtocol`). */
  factory: IProtocolFactory | null = null;
  #lifecycle: Lifecycle = "new";

  constructor() {
    super();
    const dataReceived = this.dataReceived;
    const connectionLost = this.connectionLost;
    this.dataReceived = (data: Buffer): void => {
      if (this.#lifecycle !== "connected") {
        throw new ProtocolLifecycleError(`dataReceived called on ${this.constructor.name} ${this.#lifecycle === "new" ? "before makeConnection" : "after connectionLost"}`);
      }
      dataReceived.call(this, data);
    };
    this.connectionLost = (reason: Failure): void => {
      if (this.#lifecycle !== "connected") {
        throw new ProtocolLifecycleError(`connectionLost called on ${this.constructor.name} ${this.#lifecycle === "new" ? "before makeConnection" : "twice"}`);
      }
      this.#lifecycle = "lost";
      this.connected = false;
      connectionLost.call(this, reason);
    };
  }

  override makeConnection(transport: ITransport): void {
    if (this.#lifecycle !== "new") {
      throw new ProtocolLifecycleError(`makeConnection called twice on ${this.constructor.name}`);
    }
    this.#lifecycle = "connected";
    super.makeConnection(transport);
  }

  /**
   * Override: bytes arrived, in arbitrary chunks (buffer partial messages yourself). The
   * buffer is the protocol's to keep. The default discards the data.
   */
  dataReceived(data: Buffer): void {
    debug("%s discarded %d bytes", this.constructor.name, data.length);
  }

  /**
   * Override: the connection closed; `reason.value` says how (`ConnectionDone` when
   * clean). Called exactly once. The default does nothing.
   */
  connectionLost(reason: Failure): void {
    void reason;
  }

  /** A short name for log lines. */
  logPrefix(): string {
    return this.constructor.name;
  }
}
