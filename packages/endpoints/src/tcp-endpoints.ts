import type { Deferred } from "@torsion/defer";
import {
  type IListeningPort,
  type IProtocol,
  type IProtocolFactory,
  type IProtocolFactoryOf,
  type IReactorTCP,
  type IStreamClientEndpoint,
  type IStreamServerEndpoint,
} from "@torsion/core";
import { listenWhenBound } from "./listen-when-bound.js";
import { connectWrapped } from "./wrapping-factory.js";
import { defaultResolver, isIPv6Literal, resolveFirst, type HostnameResolver } from "./resolver.js";

/** A local `[host, port]` to bind before connecting. */
export type BindAddress = readonly [host: string, port: number];

/** Options of the TCP server endpoints. */
export interface TCPServerEndpointOptions {
  /** Pending-connection queue size. @default 50 */
  readonly backlog?: number;
  /** Address to bind: `""` is every IPv4 address (TCP4), `"::"` every IPv6 address (TCP6). */
  readonly interface?: string;
}

/** Options of the TCP client endpoints. */
export interface TCPClientEndpointOptions {
  /** Seconds to wait for the connection before failing with `TimeoutError`. @default 30 */
  readonly timeout?: number;
  /** Local address to bind before connecting. @default null */
  readonly bindAddress?: BindAddress | null;
}

abstract class TCPServerEndpoint implements IStreamServerEndpoint {
  readonly reactor: IReactorTCP;
  readonly port: number;
  readonly backlog: number;
  readonly interface: string;

  protected constructor(reactor: IReactorTCP, port: number, options: TCPServerEndpointOptions, defaultInterface: string) {
    this.reactor = reactor;
    this.port = port;
    this.backlog = options.backlog ?? 50;
    this.interface = options.interface ?? defaultInterface;
  }

  /**
   * `reactor.listenTCP(port, factory, {backlog, interface})`, firing once bound (see
   * `listenWhenBound`: in a `node:cluster` worker the primary binds later); a
   * `CannotListenError` fails the Deferred.
   */
  listen(factory: IProtocolFactory): Deferred<IListeningPort> {
    const listen = (): IListeningPort => this.reactor.listenTCP(this.port, factory, { backlog: this.backlog, interface: this.interface });
    return listenWhenBound(listen, [this.interface, this.port]);
  }
}

/** Listens on a TCP port, IPv4 (Twisted's `TCP4ServerEndpoint`); `interface` defaults to `""` (every IPv4 address). */
export class TCP4ServerEndpoint extends TCPServerEndpoint {
  constructor(reactor: IReactorTCP, port: number, options: TCPServerEndpointOptions = {}) {
    super(reactor, port, options, "");
  }
}

/** Listens on a TCP port, IPv6 (Twisted's `TCP6ServerEndpoint`); `interface` defaults to `"::"`. */
export class TCP6ServerEndpoint extends TCPServerEndpoint {
  constructor(reactor: IReactorTCP, port: number, options: TCPServerEndpointOptions = {}) {
    super(reactor, port, options, "::");
  }
}

/**
 * Connects over TCP to `host:port` (Twisted's `TCP4ClientEndpoint`). A host name is
 * resolved by the reactor's `connectTCP`; for trying every address of a name, use
 * `HostnameEndpoint`.
 */
export class TCP4ClientEndpoint implements IStreamClientEndpoint {
  readonly reactor: IReactorTCP;
  readonly host: string;
  readonly port: number;
  readonly timeout: number;
  readonly bindAddress: BindAddress | null;

  constructor(reactor: IReactorTCP, host: string, port: number, options: TCPClientEndpointOptions = {}) {
    this.reactor = reactor;
    this.host = host;
    this.port = port;
    this.timeout = options.timeout ?? 30;
    this.bindAddress = options.bindAddress ?? null;
  }

  connect<P extends IProtocol>(factory: IProtocolFactoryOf<P>): Deferred<P> {
    return connectWrapped(factory, (wrapping) =>
      this.reactor.connectTCP(this.host, this.port, wrapping, connectOptions(this.timeout, this.bindAddress)),
    );
  }
}

/** Options of {@link TCP6ClientEndpoint}. */
export interface TCP6ClientEndpointOptions extends TCPClientEndpointOptions {
  /** Resolves a host name that is not an IPv6 literal (asked for IPv6 addresses only). @default `dns.lookup` */
  readonly resolver?: HostnameResolver;
}

/**
 * Connects over TCP to an IPv6 literal, or to the first IPv6 address of a host name
 * (Twisted's `TCP6ClientEndpoint`). A failed lookup, or one with no IPv6 address, fails
 * with `DNSLookupError`.
 */
export class TCP6ClientEndpoint implements IStreamClientEndpoint {
  readonly reactor: IReactorTCP;
  readonly host: string;
  readonly port: number;
  readonly timeout: number;
  readonly bindAddress: BindAddress | null;
  readonly #resolver: HostnameResolver;

  constructor(reactor: IReactorTCP, host: string, port: number, options: TCP6ClientEndpointOptions = {}) {
    this.reactor = reactor;
    this.host = host;
    this.port = port;
    this.timeout = options.timeout ?? 30;
    this.bindAddress = options.bindAddress ?? null;
    this.#resolver = options.resolver ?? defaultResolver;
  }

  connect<P extends IProtocol>(factory: IProtocolFactoryOf<P>): Deferred<P> {
    const connectTo = (address: string): Deferred<P> =>
      connectWrapped(factory, (wrapping) =>
        this.reactor.connectTCP(address, this.port, wrapping, connectOptions(this.timeout, this.bindAddress)),
      );
    if (isIPv6Literal(this.host)) return connectTo(this.host);
    return resolveFirst(this.#resolver, this.host, 6).addCallback(connectTo);
  }
}

function connectOptions(timeout: number, bindAddress: BindAddress | null): { timeout: number; bindAddress?: BindAddress } {
  return bindAddress === null ? { timeout } : { timeout, bindAddress };
}
