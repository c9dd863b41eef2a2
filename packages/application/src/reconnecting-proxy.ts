import type { IAddress, IProtocol, IProtocolFactory, ITransport } from "@torsion/core";
import type { Failure } from "@torsion/defer";

/** What a proxy reports. */
interface ProxyHooks<P> {
  /** After the protocol's own `makeConnection`. */
  readonly made: (protocol: P, transport: ITransport) => void;
  /** After the protocol's own `connectionLost`, even if it threw. */
  readonly lost: (protocol: P, reason: Failure) => void;
}

/**
 * Wraps `protocol` so that `hooks` hear about its `makeConnection` and `connectionLost`
 * (after the protocol itself), like Twisted's `_ReconnectingProtocolProxy`. Everything else is the protocol's
 * own: the transport sees the protocol's methods (optional ones such as
 * `readConnectionLost` included) bound to it, so `this` inside them is the protocol.
 */
export function reconnectingProxy<P extends IProtocol>(protocol: P, hooks: ProxyHooks<P>): P {
  const bound = new Map<PropertyKey, unknown>();
  const makeConnection = (transport: ITransport): void => {
    protocol.makeConnection(transport);
    hooks.made(protocol, transport);
  };
  const connectionLost = (reason: Failure): void => {
    try {
      protocol.connectionLost(reason);
    } finally {
      hooks.lost(protocol, reason);
    }
  };
  return new Proxy(protocol, {
    get(target, key) {
      if (key === "connectionLost") return connectionLost;
      if (key === "makeConnection") return makeConnection;
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      let method = bound.get(key);
      if (method === undefined) {
        method = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(key, method);
      }
      return method;
    },
  });
}

/**
 * A factory building {@link reconnectingProxy}s of what `factory` builds, remembering for
 * each proxy the protocol inside it, and for each protocol its transport.
 */
export class ReconnectingFactory implements IProtocolFactory {
  readonly #factory: IProtocolFactory;
  readonly #hooks: ProxyHooks<IProtocol>;
  readonly #inner = new WeakMap<IProtocol, IProtocol>();
  readonly #transports = new WeakMap<IProtocol, ITransport>();

  constructor(factory: IProtocolFactory, onLost: (protocol: IProtocol, reason: Failure) => void) {
    this.#factory = factory;
    this.#hooks = {
      made: (protocol, transport) => {
        this.#transports.set(protocol, transport);
      },
      lost: onLost,
    };
  }

  buildProtocol(addr: IAddress): IProtocol | null {
    const protocol = this.#factory.buildProtocol(addr);
    if (protocol === null) return null;
    const proxy = reconnectingProxy(protocol, this.#hooks);
    this.#inner.set(proxy, protocol);
    return proxy;
  }

  /** The transport `protocol` (the user's protocol) was connected to, if any. */
  transportOf(protocol: IProtocol): ITransport | undefined {
    return this.#transports.get(protocol);
  }

  doStart(): void {
    this.#factory.doStart();
  }

  doStop(): void {
    this.#factory.doStop();
  }

  /** The user's protocol inside `proxy` (or `proxy` itself if it is not one of ours). */
  unwrap(proxy: IProtocol): IProtocol {
    return this.#inner.get(proxy) ?? proxy;
  }
}
