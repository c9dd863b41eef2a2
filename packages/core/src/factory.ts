import createDebug from "debug";
import type { IAddress } from "./address.js";
import type { IProtocol } from "./interfaces/i-protocol.js";
import type { IProtocolFactory } from "./interfaces/i-protocol-factory.js";

const debug = createDebug("torsion:core:factory");

/**
 * Makes a protocol for each connection: set `protocol` (or use `Factory.forProtocol`) or
 * override `buildProtocol`.
 *
 * `doStart`/`doStop` count the ports and connectors using the factory, calling
 * `startFactory` on the first and `stopFactory` after the last.
 */
export class Factory<P extends IProtocol = IProtocol> implements IProtocolFactory {
  /** The protocol class `buildProtocol` instantiates (with no arguments). */
  protocol: (new () => P) | null = null;
  /** How many ports/connectors use this factory now. */
  numPorts = 0;
  /** Whether starting and stopping is logged (on the `torsion:core:factory` logger). */
  noisy = true;

  /**
   * Makes a factory of this class, constructed with `args` (as Twisted's
   * `Factory.forProtocol(protocol, *args)`), whose `protocol` is `protocol`. The types
   * check `args` against the constructor, and that this factory class fits the factory type
   * the protocol declares (`class Chat extends Protocol<ChatFactory>` is built by a
   * `ChatFactory` only).
   */
  static forProtocol<P extends IProtocol, F extends Factory, A extends unknown[]>(
    this: new (...args: A) => F,
    protocol: (new () => P) & FactoryFits<P, F>,
    ...args: A
  ): Omit<F, keyof ProtocolFactoryOf<P>> & ProtocolFactoryOf<P>;
  static forProtocol<F extends Factory, A extends unknown[]>(
    this: new (...args: A) => F,
    protocol: NonNullable<F["protocol"]>,
    ...args: A
  ): F {
    const factory = new this(...args);
    factory.protocol = protocol;
    return factory;
  }

  /**
   * Builds the protocol for a connection with `addr` and sets its `factory`. Return
   * `null` from an override to refuse the connection.
   */
  buildProtocol(addr: IAddress): P | null {
    if (this.protocol === null) {
      throw new TypeError(`${this.constructor.name}.protocol is not set and buildProtocol is not overridden`);
    }
    const protocol = new this.protocol();
    (protocol as { factory?: unknown }).factory = this;
    return protocol;
  }

  /** Counts a user in; the first calls `startFactory`. */
  doStart(): void {
    if (this.numPorts === 0) {
      if (this.noisy) debug("starting factory %s", this.constructor.name);
      this.startFactory();
    }
    this.numPorts++;
  }

  /** Counts a user out; the last calls `stopFactory`. Extra calls do nothing. */
  doStop(): void {
    if (this.numPorts === 0) return;
    this.numPorts--;
    if (this.numPorts === 0) {
      if (this.noisy) debug("stopping factory %s", this.constructor.name);
      this.stopFactory();
    }
  }

  /** Override: called before the first port starts. */
  startFactory(): void {}
  /** Override: called after the last port stops. */
  stopFactory(): void {}
}

/**
 * What `forProtocol` adds to the type of the factory class it is called on: the
 * protocol class and a `buildProtocol` that returns it, so `ClientFactory.forProtocol(P)`
 * is both a `ClientFactory` and a factory of `P`.
 */
export interface ProtocolFactoryOf<P extends IProtocol> {
  protocol: new () => P;
  buildProtocol(addr: IAddress): P | null;
}

/**
 * `unknown` when a factory of type `F` may build protocol `P` (`P` declares no factory type,
 * or one `F` is assignable to); otherwise a type no class satisfies, naming the factory
 * type `P` expects, so `forProtocol` reports the mismatch.
 */
export type FactoryFits<P, F> = P extends { readonly factoryOrNull: infer X }
  ? F extends NonNullable<X>
    ? unknown
    : { readonly "this protocol is built by a factory of type": NonNullable<X> }
  : unknown;

/** A factory for servers (a marker, as in Twisted). */
export class ServerFactory<P extends IProtocol = IProtocol> extends Factory<P> {}
