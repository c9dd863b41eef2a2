import createDebug from "debug";
import { ServerFactory } from "@torsion/core";
import type { IAddress, IProtocol } from "@torsion/core";
import { InvalidPolicyOptionError } from "./errors.js";
import { ProtocolWrapper } from "./protocol-wrapper.js";
import type { IWrapperRegistry } from "./protocol-wrapper.js";

const debug = createDebug("torsion:protocols:limit-total-connections-factory");

/** Options of {@link LimitTotalConnectionsFactory}. */
export interface LimitTotalConnectionsOptions {
  /**
   * The protocol class of connections within the limit (sets `protocol`).
   * @default null (set `protocol` before the first connection)
   */
  readonly protocol?: (new () => IProtocol) | null;
  /**
   * The most connections served with `protocol` at once, or `null` for no limit.
   * @default null
   */
  readonly connectionLimit?: number | null;
  /**
   * The protocol class for connections beyond the limit (for example one that writes
   * "busy" and closes), or `null` to refuse them (`buildProtocol` returns `null`).
   * @default null
   */
  readonly overflowProtocol?: (new () => IProtocol) | null;
}

/**
 * A server factory that limits simultaneous connections (Twisted's
 * `LimitTotalConnectionsFactory`). Give `protocol` (option or property); each accepted
 * connection gets a new `protocol` (its `factory` set to this factory) inside a
 * {@link ProtocolWrapper} that counts it until its connection is lost. Past
 * `connectionLimit`, connections get an `overflowProtocol`, which also counts, or are
 * refused when there is none.
 *
 * @example
 * ```ts
 * const factory = new LimitTotalConnectionsFactory({ protocol: Echo, connectionLimit: 100, overflowProtocol: Busy });
 * ```
 */
export class LimitTotalConnectionsFactory extends ServerFactory implements IWrapperRegistry {
  /** Connections built and not yet lost (overflow ones included). */
  connectionCount = 0;
  connectionLimit: number | null;
  overflowProtocol: (new () => IProtocol) | null;

  constructor(options: LimitTotalConnectionsOptions = {}) {
    super();
    this.protocol = options.protocol ?? null;
    this.connectionLimit = options.connectionLimit ?? null;
    if (this.connectionLimit !== null && !(this.connectionLimit >= 0)) {
      throw new InvalidPolicyOptionError(`connectionLimit must be >= 0 or null, not ${this.connectionLimit}`);
    }
    this.overflowProtocol = options.overflowProtocol ?? null;
  }

  /** Builds a wrapped `protocol`, a wrapped `overflowProtocol`, or `null` (refused). */
  override buildProtocol(addr: IAddress): ProtocolWrapper | null {
    let inner: IProtocol;
    if (this.connectionLimit === null || this.connectionCount < this.connectionLimit) {
      const built = super.buildProtocol(addr);
      if (built === null) return null;
      inner = built;
    } else if (this.overflowProtocol === null) {
      debug("connection limit %d reached, refusing %s", this.connectionLimit, String(addr));
      return null;
    } else {
      debug("connection limit %d reached, overflow protocol for %s", this.connectionLimit, String(addr));
      inner = new this.overflowProtocol();
      (inner as { factory?: unknown }).factory = this;
    }
    this.connectionCount++;
    return new ProtocolWrapper(this, inner);
  }

  /** Part of the wrapper contract; the count is taken in `buildProtocol`. */
  registerProtocol(wrapper: ProtocolWrapper): void {}

  /** A counted connection was lost. */
  unregisterProtocol(wrapper: ProtocolWrapper): void {
    this.connectionCount--;
  }
}
