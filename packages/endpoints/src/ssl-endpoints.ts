import { Deferred } from "@torsion/defer";
import type {
  IListeningPort,
  IProtocol,
  IProtocolFactory,
  IProtocolFactoryOf,
  IStreamClientEndpoint,
  IStreamServerEndpoint,
} from "@torsion/core";
import type { BindAddress } from "./tcp-endpoints.js";
import {
  globalTLSProviderSlot,
  isTLSDescription,
  requireTLSProvider,
  type ClientTLSDescription,
  type ServerTLSDescription,
  type TLSContextFactory,
  type TLSProviderSlot,
} from "./tls-provider.js";
import { listenWhenBound } from "./listen-when-bound.js";
import { connectWrapped } from "./wrapping-factory.js";

/** Options of {@link SSL4ServerEndpoint}. */
export interface SSL4ServerEndpointOptions {
  /** @default 50 */
  readonly backlog?: number;
  /** @default "" (every IPv4 address) */
  readonly interface?: string;
  /** Where to find the TLS provider. @default the default registry's */
  readonly tls?: TLSProviderSlot;
}

/** Options of {@link SSL4ClientEndpoint}. */
export interface SSL4ClientEndpointOptions {
  /** @default 30 */
  readonly timeout?: number;
  /** @default null */
  readonly bindAddress?: BindAddress | null;
  /** Where to find the TLS provider. @default the default registry's */
  readonly tls?: TLSProviderSlot;
}

/**
 * Listens for TLS on a TCP port (Twisted's `SSL4ServerEndpoint`), through the registered
 * TLS provider's `listenSSL`. `contextFactory` is the provider's server options, or a
 * description parsed from an `ssl:` string. Without a provider, `listen` fails with
 * `TLSNotAvailableError`.
 */
export class SSL4ServerEndpoint implements IStreamServerEndpoint {
  readonly reactor: object;
  readonly port: number;
  readonly contextFactory: TLSContextFactory | ServerTLSDescription;
  readonly backlog: number;
  readonly interface: string;
  readonly #tls: TLSProviderSlot;

  constructor(
    reactor: object,
    port: number,
    contextFactory: TLSContextFactory | ServerTLSDescription,
    options: SSL4ServerEndpointOptions = {},
  ) {
    this.reactor = reactor;
    this.port = port;
    this.contextFactory = contextFactory;
    this.backlog = options.backlog ?? 50;
    this.interface = options.interface ?? "";
    this.#tls = options.tls ?? globalTLSProviderSlot;
  }

  /** The provider's `listenSSL`, firing once bound (see `listenWhenBound`). */
  listen(factory: IProtocolFactory): Deferred<IListeningPort> {
    return listenWhenBound(() => {
      const provider = requireTLSProvider(this.#tls);
      const cf = this.contextFactory;
      const context = isTLSDescription(cf) && cf.kind === "server" ? provider.serverContextFromDescription(cf) : cf;
      return provider.listenSSL(this.reactor, this.port, factory, context, { backlog: this.backlog, interface: this.interface });
    }, [this.interface, this.port]);
  }
}

/**
 * Connects with TLS over TCP (Twisted's `SSL4ClientEndpoint`), through the registered TLS
 * provider's `connectSSL`. `contextFactory` is the provider's client options, or a
 * description parsed from an `ssl:` string. Without a provider, `connect` fails with
 * `TLSNotAvailableError`.
 */
export class SSL4ClientEndpoint implements IStreamClientEndpoint {
  readonly reactor: object;
  readonly host: string;
  readonly port: number;
  readonly contextFactory: TLSContextFactory | ClientTLSDescription;
  readonly timeout: number;
  readonly bindAddress: BindAddress | null;
  readonly #tls: TLSProviderSlot;

  constructor(
    reactor: object,
    host: string,
    port: number,
    contextFactory: TLSContextFactory | ClientTLSDescription,
    options: SSL4ClientEndpointOptions = {},
  ) {
    this.reactor = reactor;
    this.host = host;
    this.port = port;
    this.contextFactory = contextFactory;
    this.timeout = options.timeout ?? 30;
    this.bindAddress = options.bindAddress ?? null;
    this.#tls = options.tls ?? globalTLSProviderSlot;
  }

  connect<P extends IProtocol>(factory: IProtocolFactoryOf<P>): Deferred<P> {
    return connectWrapped(factory, (wrapping) => {
      const provider = requireTLSProvider(this.#tls);
      const cf = this.contextFactory;
      const context = isTLSDescription(cf) && cf.kind === "client" ? provider.clientContextFromDescription(cf) : cf;
      return provider.connectSSL(this.reactor, this.host, this.port, wrapping, context, {
        timeout: this.timeout,
        bindAddress: this.bindAddress,
      });
    });
  }
}

/**
 * A client endpoint that runs TLS over another endpoint's connections (what
 * {@link wrapClientTLS} returns; Twisted's `_WrapperEndpoint`). Its Deferred fires with
 * the user's protocol when the wrapped endpoint connects (before the TLS handshake, as in
 * Twisted).
 */
export class TLSWrapperClientEndpoint implements IStreamClientEndpoint {
  /** The provider's connection creator (e.g. from `optionsForClientTLS`) or a parsed description. */
  readonly connectionCreator: TLSContextFactory | ClientTLSDescription;
  readonly wrappedEndpoint: IStreamClientEndpoint;
  readonly #tls: TLSProviderSlot;

  constructor(connectionCreator: TLSContextFactory | ClientTLSDescription, wrappedEndpoint: IStreamClientEndpoint, tls: TLSProviderSlot) {
    this.connectionCreator = connectionCreator;
    this.wrappedEndpoint = wrappedEndpoint;
    this.#tls = tls;
  }

  connect<P extends IProtocol>(factory: IProtocolFactoryOf<P>): Deferred<P> {
    let wrapped;
    try {
      const provider = requireTLSProvider(this.#tls);
      const cc = this.connectionCreator;
      const creator = isTLSDescription(cc) && cc.kind === "client" ? provider.clientContextFromDescription(cc) : cc;
      wrapped = provider.wrapClientFactory(creator, factory);
    } catch (error) {
      const failed = new Deferred<P>();
      failed.errback(error);
      return failed;
    }
    return this.wrappedEndpoint.connect(wrapped).addCallback((protocol) => protocol.wrappedProtocol as P);
  }
}

/**
 * Wraps `wrappedEndpoint` so its connections start TLS as soon as they are made
 * (Twisted's `wrapClientTLS`): `connect` resolves with the user's (inner) protocol. Needs
 * a TLS provider at connect time (`TLSNotAvailableError` otherwise).
 *
 * @param connectionCreator - the TLS provider's client options (`optionsForClientTLS`), or
 *   a parsed `ClientTLSDescription`
 */
export function wrapClientTLS(
  connectionCreator: TLSContextFactory | ClientTLSDescription,
  wrappedEndpoint: IStreamClientEndpoint,
  tls: TLSProviderSlot = globalTLSProviderSlot,
): TLSWrapperClientEndpoint {
  return new TLSWrapperClientEndpoint(connectionCreator, wrappedEndpoint, tls);
}
