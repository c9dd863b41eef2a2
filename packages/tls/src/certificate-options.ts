/**
 * TLS contexts (Twisted's `CertificateOptions`, `optionsForClientTLS`,
 * `trustRootFromCertificates`, `platformTrust`) over `tls.createSecureContext`.
 *
 * **Torsion verifies every client connection.** `optionsForClientTLS` always checks the
 * chain and the hostname (or IP) and has no switch to turn that off, as in Twisted. A
 * `CertificateOptions` used on the client side (Twisted: no verification unless
 * `verify`/`trustRoot`) also verifies here: against its `trustRoot` (or `caCerts`), else the
 * platform's roots, and against the host given to `connectSSL`.
 */
import net from "node:net";
import type tls from "node:tls";
import { domainToASCII } from "node:url";
import { Certificate, certificateBlocks, KeyPair } from "./certificate.js";
import { TLSOptionsError } from "./errors.js";
import { nodeTLS } from "./lazy-builtins.js";

/** A TLS protocol version, as Node names it. */
export type TLSVersion = "TLSv1.2" | "TLSv1.3";

/** Which certificates a side trusts (Twisted's `IOpenSSLTrustRoot`). */
export interface TrustRoot {
  /** `"platform"`: Node's bundled Mozilla roots (see `platformTrust`); `"certificates"`: only these. */
  readonly kind: "platform" | "certificates";
  /** The trusted certificates, PEM (empty for `"platform"`). */
  readonly certificates: readonly string[];
}

/**
 * The platform's trust roots (Twisted's `platformTrust()`). In Node these are Node's
 * bundled Mozilla CA list (`tls.rootCertificates`), plus `NODE_EXTRA_CA_CERTS`; the OS store
 * is used only when Node runs with `--use-openssl-ca`.
 */
export function platformTrust(): TrustRoot {
  return PLATFORM;
}

const PLATFORM: TrustRoot = Object.freeze({ kind: "platform", certificates: Object.freeze([]) });

/**
 * Trusts exactly `certificates` (Twisted's `trustRootFromCertificates`); the platform's
 * roots are not trusted any more. @throws TLSOptionsError for anything but `Certificate`s
 */
export function trustRootFromCertificates(certificates: Iterable<Certificate>): TrustRoot {
  const pems: string[] = [];
  for (const certificate of certificates) {
    if (!(certificate instanceof Certificate)) {
      throw new TLSOptionsError(`trustRootFromCertificates takes Certificate or PrivateCertificate objects, not ${typeof certificate}`);
    }
    pems.push(certificate.x509.toString());
  }
  return Object.freeze({ kind: "certificates", certificates: Object.freeze(pems) });
}

/** What the TLS layer needs to run one side of a connection (from a context factory). */
export interface TLSRoleOptions {
  readonly secureContext: tls.SecureContext;
  readonly ALPNProtocols?: string[];
  /** Client: the SNI name to send (none for IP literals). */
  readonly servername?: string;
  /** Client: the name (or IP) the server's certificate must match. */
  readonly checkHost?: string;
  /** Server: ask for a client certificate. */
  readonly requestCert?: boolean;
  /** Server: refuse a client without a valid certificate. */
  readonly rejectUnauthorized?: boolean;
}

/**
 * A TLS context factory as the TLS layer consumes it: `CertificateOptions` and what
 * `optionsForClientTLS` return. `host` is the host that was connected to (for a client
 * without a hostname of its own).
 */
export interface ITLSContextFactory {
  tlsOptionsFor(role: "client" | "server", host: string): TLSRoleOptions;
}

/** Whether `value` is a context factory of this package. */
export function isTLSContextFactory(value: unknown): value is ITLSContextFactory {
  return typeof value === "object" && value !== null && typeof (value as Partial<ITLSContextFactory>).tlsOptionsFor === "function";
}

/** Options of {@link CertificateOptions} (Twisted's keyword arguments, camelCase). */
export interface CertificateOptionsInit {
  /** Our private key (PEM or `KeyPair`); needed with `certificate`. */
  readonly privateKey?: KeyPair | string | Uint8Array;
  /** Our certificate (PEM or `Certificate`); needed with `privateKey`. */
  readonly certificate?: Certificate | string | Uint8Array;
  /** Intermediate certificates sent after ours. */
  readonly extraCertChain?: readonly Certificate[];
  /** Verify the peer against `caCerts` (Twisted's old API; prefer `trustRoot`). @default false */
  readonly verify?: boolean;
  /** With `verify`: the CAs to trust. */
  readonly caCerts?: readonly Certificate[];
  /** Verify the peer against this trust root (forces verification). Not with `verify`/`caCerts`/`requireCertificate`. */
  readonly trustRoot?: TrustRoot;
  /** Server with verification: refuse a client that sends no certificate. @default true */
  readonly requireCertificate?: boolean;
  /** ALPN protocols in preference order (e.g. `["h2", "http/1.1"]`). */
  readonly acceptableProtocols?: readonly string[];
  /** Lowest protocol version (Twisted's `raiseMinimumTo`). @default "TLSv1.2" (Node's) */
  readonly minimumVersion?: TLSVersion;
  /** Highest protocol version (Twisted's `lowerMaximumSecurityTo`). @default "TLSv1.3" */
  readonly maximumVersion?: TLSVersion;
  /** An OpenSSL cipher list (TLS 1.2 and 1.3 suite names). @default Node's */
  readonly acceptableCiphers?: string;
  /** DH parameters (PEM) for DHE suites. */
  readonly dhParameters?: string | Uint8Array;
}

/** A server or client TLS context (Twisted's `CertificateOptions`). */
export class CertificateOptions implements ITLSContextFactory {
  readonly #init: CertificateOptionsInit;
  readonly #trust: TrustRoot | null;
  #context: tls.SecureContext | null = null;
  #serverOptions: TLSRoleOptions | null = null;
  #clientOptions: { readonly host: string; readonly options: TLSRoleOptions } | null = null;

  constructor(init: CertificateOptionsInit = {}) {
    if ((init.privateKey === undefined) !== (init.certificate === undefined)) {
      throw new TLSOptionsError("CertificateOptions: give both privateKey and certificate, or neither");
    }
    if (
      init.trustRoot !== undefined &&
      (init.verify !== undefined || init.caCerts !== undefined || init.requireCertificate !== undefined)
    ) {
      throw new TLSOptionsError("CertificateOptions: trustRoot cannot be combined with verify, caCerts or requireCertificate");
    }
    if (init.verify === true && (init.caCerts === undefined || init.caCerts.length === 0)) {
      throw new TLSOptionsError("CertificateOptions: verify needs caCerts (or use trustRoot)");
    }
    this.#init = init;
    this.#trust = init.trustRoot ?? (init.verify === true ? trustRootFromCertificates(init.caCerts ?? []) : null);
    if (init.certificate !== undefined) this.#secureContext(); // bad PEM fails here, not at the first connection
  }

  /** Whether the peer's certificate is verified (on a server: whether one is asked for). */
  get verifiesPeer(): boolean {
    return this.#trust !== null;
  }

  /**
   * The options of one side. One `SecureContext` serves every connection of this object
   * (made at construction when there is a certificate, else on first use), and the
   * options are computed once per role (clients: per host, the last one kept), so a
   * server pays nothing here per connection.
   */
  tlsOptionsFor(role: "client" | "server", host: string): TLSRoleOptions {
    if (role === "server") return (this.#serverOptions ??= this.#optionsFor("server", host));
    const cached = this.#clientOptions;
    if (cached?.host === host) return cached.options;
    const options = this.#optionsFor("client", host);
    this.#clientOptions = { host, options };
    return options;
  }

  #optionsFor(role: "client" | "server", host: string): TLSRoleOptions {
    const alpn = this.#init.acceptableProtocols;
    const base = { secureContext: this.#secureContext(), ...(alpn === undefined ? {} : { ALPNProtocols: [...alpn] }) };
    if (role === "server") {
      const verify = this.#trust !== null;
      return Object.freeze({ ...base, requestCert: verify, rejectUnauthorized: verify && (this.#init.requireCertificate ?? true) });
    }
    return Object.freeze({ ...base, ...clientNames(host) });
  }

  #secureContext(): tls.SecureContext {
    if (this.#context !== null) return this.#context;
    const init = this.#init;
    const chain = [init.certificate, ...(init.extraCertChain ?? [])].filter((c) => c !== undefined).map(pemOfCertificate);
    const trust = this.#trust ?? PLATFORM;
    try {
      this.#context = nodeTLS().createSecureContext({
        ...(init.privateKey === undefined ? {} : { key: pemOfKey(init.privateKey) }),
        ...(chain.length === 0 ? {} : { cert: chain.join("\n") }),
        ...(trust.kind === "certificates" ? { ca: [...trust.certificates] } : {}),
        ...(init.acceptableCiphers === undefined ? {} : { ciphers: init.acceptableCiphers }),
        ...(init.minimumVersion === undefined ? {} : { minVersion: init.minimumVersion }),
        ...(init.maximumVersion === undefined ? {} : { maxVersion: init.maximumVersion }),
        ...(init.dhParameters === undefined ? {} : { dhparam: Buffer.from(init.dhParameters) }),
      });
    } catch (error) {
      throw new TLSOptionsError(`CertificateOptions: Node refused the TLS context: ${(error as Error).message}`, { cause: error });
    }
    return this.#context;
  }
}

/** Options of {@link optionsForClientTLS}. */
export interface ClientTLSOptionsInit {
  /** Whom to trust. @default platformTrust() */
  readonly trustRoot?: TrustRoot;
  /** Our certificate and key, for servers that ask for one. */
  readonly clientCertificate?: { readonly privateKey: KeyPair; dumpPEM(): string };
  /** ALPN protocols in preference order. */
  readonly acceptableProtocols?: readonly string[];
  /** Further context options (versions, ciphers). */
  readonly extraCertificateOptions?: Pick<CertificateOptionsInit, "minimumVersion" | "maximumVersion" | "acceptableCiphers">;
}

/** What {@link optionsForClientTLS} returns (Twisted's `ClientTLSOptions`). */
export class ClientTLSOptions implements ITLSContextFactory {
  /** The name the server must prove (as given). */
  readonly hostname: string;
  readonly #options: CertificateOptions;

  constructor(hostname: string, init: ClientTLSOptionsInit = {}) {
    if (typeof hostname !== "string" || hostname.length === 0) {
      throw new TLSOptionsError(`optionsForClientTLS needs the server's hostname as a non-empty string, not ${typeof hostname}`);
    }
    this.hostname = hostname;
    const client = init.clientCertificate;
    this.#options = new CertificateOptions({
      trustRoot: init.trustRoot ?? platformTrust(),
      ...(client === undefined ? {} : { privateKey: client.privateKey, certificate: certificateOf(client) }),
      ...(init.acceptableProtocols === undefined ? {} : { acceptableProtocols: init.acceptableProtocols }),
      ...init.extraCertificateOptions,
    });
  }

  /** The name is ours, whatever host was connected to; the server side is not supported. */
  tlsOptionsFor(role: "client" | "server", _host: string): TLSRoleOptions {
    if (role === "server") throw new TLSOptionsError("optionsForClientTLS makes client contexts; use CertificateOptions for a TLS server");
    return this.#options.tlsOptionsFor("client", this.hostname);
  }
}

/**
 * A client context that verifies the server's certificate chain (against `trustRoot`,
 * default the platform's roots) and that it is valid for `hostname` (a DNS name, sent as
 * SNI in its A-label form, or an IP literal, checked against the IP SANs and never sent
 * as SNI). There is no option to turn verification off.
 */
export function optionsForClientTLS(hostname: string, init: ClientTLSOptionsInit = {}): ClientTLSOptions {
  return new ClientTLSOptions(hostname, init);
}

function clientNames(host: string): { servername?: string; checkHost: string } {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (net.isIP(bare) !== 0) return { checkHost: bare };
  const ascii = domainToASCII(bare) || bare;
  return { servername: ascii, checkHost: ascii };
}

function certificateOf(value: { dumpPEM(): string }): Certificate {
  return value instanceof Certificate ? value : Certificate.loadPEM(value.dumpPEM());
}

function pemOfCertificate(value: Certificate | string | Uint8Array): string {
  if (value instanceof Certificate) return value.x509.toString();
  const blocks = certificateBlocks(value);
  if (blocks.length === 0) throw new TLSOptionsError("CertificateOptions: the certificate holds no PEM CERTIFICATE block");
  return blocks.join("\n");
}

function pemOfKey(value: KeyPair | string | Uint8Array): string {
  return (value instanceof KeyPair ? value : KeyPair.load(value)).dump();
}
