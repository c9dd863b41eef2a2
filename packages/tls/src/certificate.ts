/**
 * PEM certificates and keys (Twisted's `Certificate`, `PrivateCertificate`, `KeyPair`),
 * over `node:crypto`'s `X509Certificate` and `KeyObject`.
 */
import type { X509Certificate, KeyObject } from "node:crypto";
import { PEMError } from "./errors.js";
import { nodeCrypto } from "./lazy-builtins.js";
import { CertificateOptions, trustRootFromCertificates } from "./certificate-options.js";

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

function text(data: string | Uint8Array): string {
  return typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
}

/** Every `CERTIFICATE` block of a PEM blob, in order. */
export function certificateBlocks(data: string | Uint8Array): string[] {
  return text(data).match(CERT_BLOCK) ?? [];
}

/** Something that holds a TLS transport's certificates (an `ISSLTransport`). */
interface CertificateSource {
  getPeerCertificate(): X509Certificate | null;
  getHostCertificate?(): X509Certificate | null;
}

/** An X.509 certificate (Twisted's `Certificate`). */
export class Certificate {
  /** The Node certificate object. */
  readonly x509: X509Certificate;

  constructor(x509: X509Certificate) {
    this.x509 = x509;
  }

  /** Loads the first certificate of a PEM blob. @throws PEMError when there is none */
  static loadPEM(data: string | Uint8Array): Certificate {
    return new Certificate(parseCertificate(data));
  }

  /** The peer's certificate of a TLS transport. @throws PEMError when it has none (yet) */
  static peerFromTransport(transport: CertificateSource): Certificate {
    const peer = transport.getPeerCertificate();
    if (peer === null) throw new PEMError("the transport has no peer certificate (no handshake yet, or the peer sent none)");
    return new Certificate(peer);
  }

  /** The local certificate of a TLS transport. @throws PEMError when it has none */
  static hostFromTransport(transport: CertificateSource): Certificate {
    const host = transport.getHostCertificate?.() ?? null;
    if (host === null) throw new PEMError("the transport has no local certificate");
    return new Certificate(host);
  }

  /** The certificate as PEM text. */
  dumpPEM(): string {
    return this.x509.toString();
  }

  /** The subject, as OpenSSL prints it (e.g. `"CN=localhost"`). */
  getSubject(): string {
    return this.x509.subject;
  }

  /** The issuer, as OpenSSL prints it. */
  getIssuer(): string {
    return this.x509.issuer;
  }

  /** The SHA-256 fingerprint (`AA:BB:...`). */
  digest(): string {
    return this.x509.fingerprint256;
  }

  toString(): string {
    return `<Certificate subject=${this.getSubject().replace(/\n/g, ", ")}>`;
  }
}

/** A private key (Twisted's `KeyPair`). */
export class KeyPair {
  /** The Node key object (private). */
  readonly key: KeyObject;

  constructor(key: KeyObject) {
    if (key.type !== "private") throw new PEMError(`a KeyPair needs a private key, not a ${key.type} key`);
    this.key = key;
  }

  /** Loads the private key of a PEM blob. @throws PEMError when there is none */
  static load(data: string | Uint8Array): KeyPair {
    const block = KEY_BLOCK.exec(text(data));
    if (block === null) throw new PEMError("no PRIVATE KEY block in the PEM data");
    try {
      return new KeyPair(nodeCrypto().createPrivateKey(block[0]));
    } catch (error) {
      throw new PEMError(`the private key could not be read: ${(error as Error).message}`, { cause: error });
    }
  }

  /** A new key. @param kind - "rsa" (size bits, default 2048) or "ec" (P-256) */
  static generate(kind: "rsa" | "ec" = "rsa", size = 2048): KeyPair {
    const { privateKey } =
      kind === "rsa"
        ? nodeCrypto().generateKeyPairSync("rsa", { modulusLength: size })
        : nodeCrypto().generateKeyPairSync("ec", { namedCurve: "P-256" });
    return new KeyPair(privateKey);
  }

  /** The key as PKCS#8 PEM text. */
  dump(): string {
    return this.key.export({ type: "pkcs8", format: "pem" }).toString();
  }

  /** Whether `certificate` holds this key's public half. */
  matches(certificate: Certificate): boolean {
    return certificate.x509.checkPrivateKey(this.key);
  }
}

/** A certificate with its private key (Twisted's `PrivateCertificate`). */
export class PrivateCertificate extends Certificate {
  readonly privateKey: KeyPair;

  constructor(x509: X509Certificate, privateKey: KeyPair) {
    super(x509);
    if (!x509.checkPrivateKey(privateKey.key)) throw new PEMError("the private key does not belong to the certificate");
    this.privateKey = privateKey;
  }

  /** Loads a PEM blob holding both the certificate and its key (in either order). */
  static override loadPEM(data: string | Uint8Array): PrivateCertificate {
    return new PrivateCertificate(parseCertificate(data), KeyPair.load(data));
  }

  /**
   * A server context for this certificate (Twisted's `PrivateCertificate.options`): with
   * `authorities`, clients must present a certificate signed by one of them.
   */
  options(...authorities: Certificate[]): CertificateOptions {
    return new CertificateOptions({
      privateKey: this.privateKey,
      certificate: this,
      ...(authorities.length > 0 ? { trustRoot: trustRootFromCertificates(authorities) } : {}),
    });
  }

  /** Pairs a certificate with its key. @throws PEMError when they do not match */
  static fromCertificateAndKeyPair(certificate: Certificate, key: KeyPair): PrivateCertificate {
    return new PrivateCertificate(certificate.x509, key);
  }

  /** The certificate and key as one PEM blob. */
  override dumpPEM(): string {
    return super.dumpPEM() + this.privateKey.dump();
  }
}

function parseCertificate(data: string | Uint8Array): X509Certificate {
  const first = certificateBlocks(data)[0];
  if (first === undefined) throw new PEMError("no CERTIFICATE block in the PEM data");
  try {
    return new (nodeCrypto().X509Certificate)(first);
  } catch (error) {
    throw new PEMError(`the certificate could not be read: ${(error as Error).message}`, { cause: error });
  }
}
