import type { IClientFactory, IConnector, IListeningPort, IProtocol, IProtocolFactory, IProtocolFactoryOf } from "@torsion/core";
import { TLSNotAvailableError } from "./errors.js";
import type { BindAddress } from "./tcp-endpoints.js";

/** A PEM file named by a description, read when the description was parsed. */
export interface PEMFile {
  /** The path as written in the description. */
  readonly path: string;
  /** The file's content. */
  readonly pem: Buffer;
}

/**
 * The TLS part of an `ssl:` server description (Twisted's `_parseSSL`), with its files
 * read at parse time. A TLS provider turns it into its context factory.
 */
export interface ServerTLSDescription {
  readonly kind: "server";
  /** `privateKey=` (default `server.pem`). */
  readonly privateKey: PEMFile;
  /** `certKey=`; without it, the `privateKey` file (which must then hold the certificate too). */
  readonly certificate: PEMFile;
  /** `extraCertChain=`: intermediate certificates sent after the server's own. */
  readonly extraCertChain: PEMFile | null;
  /** `dhParameters=`: for DHE cipher suites. */
  readonly dhParameters: PEMFile | null;
  /** `sslmethod=` as written (e.g. `TLSv1_2_METHOD`), or `null` for the provider's default. */
  readonly sslmethod: string | null;
}

/**
 * The TLS part of an `ssl:` or `tls:` client description. **Torsion always verifies**:
 * `hostname` is never empty and `trustRoots` `null` means the platform's trust store,
 * never "no verification" (Twisted's `ssl:` client without `hostname`/`caCertsDir`
 * verifies nothing).
 */
export interface ClientTLSDescription {
  readonly kind: "client";
  /** The name the server's certificate must match, also sent as SNI (not for IP literals). */
  readonly hostname: string;
  /** CA certificates to trust instead of the platform's: the `.pem` files of a directory. */
  readonly trustRoots: { readonly directory: string; readonly certificates: readonly PEMFile[] } | null;
  /** A client certificate, with its key (`null` when the certificate file holds the key too). */
  readonly clientCertificate: { readonly certificate: PEMFile; readonly privateKey: PEMFile | null } | null;
}

/**
 * What a TLS provider's context factories are to endpoints: opaque objects (e.g.
 * `@torsion/tls`'s `CertificateOptions`, or what `optionsForClientTLS` returns) handed
 * back to the same provider.
 */
export type TLSContextFactory = object;

/** A protocol of a TLS wrapper factory: the TLS layer, with the user's protocol inside. */
export interface ITLSWrapperProtocol extends IProtocol {
  readonly wrappedProtocol: IProtocol;
}

/**
 * The injection point through which a TLS implementation (`@torsion/tls`) serves the TLS
 * endpoints, so this package needs no TLS code: `SSL4ServerEndpoint`,
 * `SSL4ClientEndpoint` and `wrapClientTLS` look the provider up when they listen or
 * connect, and fail with `TLSNotAvailableError` if none is registered.
 */
export interface ITLSProvider {
  /** For messages, e.g. `"@torsion/tls"`. */
  readonly name: string;
  /** Builds a server context factory from a parsed `ssl:` description. May throw (bad PEM). */
  serverContextFromDescription(description: ServerTLSDescription): TLSContextFactory;
  /** Builds a client connection creator from a parsed `ssl:`/`tls:` description. May throw. */
  clientContextFromDescription(description: ClientTLSDescription): TLSContextFactory;
  /** Twisted's `reactor.listenSSL`. Throws `CannotListenError` (or a TLS error) synchronously. */
  listenSSL(
    reactor: object,
    port: number,
    factory: IProtocolFactory,
    contextFactory: TLSContextFactory,
    options: { readonly backlog: number; readonly interface: string },
  ): IListeningPort;
  /** Twisted's `reactor.connectSSL`; the connector reports to `factory` as `connectTCP`'s does. */
  connectSSL(
    reactor: object,
    host: string,
    port: number,
    factory: IClientFactory,
    contextFactory: TLSContextFactory,
    options: { readonly timeout: number; readonly bindAddress: BindAddress | null },
  ): IConnector;
  /**
   * Twisted's `TLSMemoryBIOFactory(connectionCreator, isClient=True, factory)`: a factory
   * whose protocols run TLS over the connection they are given and pass the plaintext to
   * a protocol of `factory` (their `wrappedProtocol`).
   */
  wrapClientFactory(connectionCreator: TLSContextFactory, factory: IProtocolFactory): IProtocolFactoryOf<ITLSWrapperProtocol>;
}

/** Where the TLS endpoints look for the provider: an endpoint registry, or any such slot. */
export interface TLSProviderSlot {
  tlsProvider: ITLSProvider | null;
}

/** The process-wide slot that the default endpoint registry uses. */
export const globalTLSProviderSlot: TLSProviderSlot = { tlsProvider: null };

/**
 * Registers the TLS implementation (`@torsion/tls` calls this when imported). Replaces any
 * previous one and returns it.
 *
 * @param slot - @default the process-wide slot of the default registry
 */
export function registerTLSProvider(provider: ITLSProvider | null, slot: TLSProviderSlot = globalTLSProviderSlot): ITLSProvider | null {
  const previous = slot.tlsProvider;
  slot.tlsProvider = provider;
  return previous;
}

/** The registered provider. @throws TLSNotAvailableError when there is none */
export function requireTLSProvider(slot: TLSProviderSlot): ITLSProvider {
  const provider = slot.tlsProvider;
  if (provider === null) throw new TLSNotAvailableError();
  return provider;
}

/** Whether `value` is a parsed description rather than a provider's context factory. */
export function isTLSDescription(value: object): value is ServerTLSDescription | ClientTLSDescription {
  const kind = (value as { kind?: unknown }).kind;
  if (kind === "server") return "privateKey" in value && "certificate" in value;
  return kind === "client" && "hostname" in value;
}
