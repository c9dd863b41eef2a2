/**
 * The errors of `@torsion/tls`. Handshake and verification failures are `TLSError`s, which
 * are `ConnectionLost`s (they are what `connectionLost` gets), each carrying OpenSSL's
 * reason (`reason`) and, for certificate checks, OpenSSL's verify code (`verifyCode`,
 * e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`). The Node error is the `cause`.
 */
import { ConnectionLost } from "@torsion/core";
import { TorsionError } from "@torsion/defer";

/** Options of a {@link TLSError}. */
export interface TLSErrorOptions extends ErrorOptions {
  /** OpenSSL's reason (e.g. `"tlsv1 alert unknown ca"`), or Node's message. */
  readonly reason?: string;
  /** OpenSSL's X.509 verify code, for certificate failures. */
  readonly verifyCode?: string;
}

/** Base of every TLS failure of a connection. */
export class TLSError extends ConnectionLost {
  override name = "TLSError";
  override readonly code: string = "ERR_TLS";
  /** OpenSSL's reason, or Node's message when OpenSSL gave none. */
  readonly reason: string;
  /** OpenSSL's verify code for certificate failures, else `null`. */
  readonly verifyCode: string | null;
  constructor(message = "TLS failed.", options: TLSErrorOptions = {}) {
    super(message, options);
    this.reason = options.reason ?? message;
    this.verifyCode = options.verifyCode ?? null;
  }
}

/** The handshake failed (no common protocol version or cipher, an alert, an early close, ...). */
export class TLSHandshakeError extends TLSError {
  override name = "TLSHandshakeError";
  override readonly code: string = "ERR_TLS_HANDSHAKE";
}

/** The peer's certificate did not verify against the trust root (untrusted, expired, missing). */
export class CertificateError extends TLSHandshakeError {
  override name = "CertificateError";
  override readonly code: string = "ERR_TLS_CERTIFICATE";
}

/** The server's certificate is valid but not for the hostname (or IP) we asked for. */
export class HostnameMismatch extends CertificateError {
  override name = "HostnameMismatch";
  override readonly code: string = "ERR_TLS_HOSTNAME_MISMATCH";
}

/** The peer rejected our certificate (or our lack of one): an alert such as `unknown ca`. */
export class PeerCertificateRejected extends TLSHandshakeError {
  override name = "PeerCertificateRejected";
  override readonly code: string = "ERR_TLS_PEER_REJECTED_CERTIFICATE";
}

/** ALPN: the two sides share no application protocol (`no_application_protocol` alert). */
export class NoApplicationProtocol extends TLSHandshakeError {
  override name = "NoApplicationProtocol";
  override readonly code: string = "ERR_TLS_NO_APPLICATION_PROTOCOL";
}

/** Invalid TLS options (Twisted's `TypeError`/`ValueError` cases of `CertificateOptions`). */
export class TLSOptionsError extends TorsionError {
  override name = "TLSOptionsError";
  override readonly code: string = "ERR_TLS_OPTIONS";
}

/** A PEM blob that holds no certificate or key of the expected kind. */
export class PEMError extends TorsionError {
  override name = "PEMError";
  override readonly code: string = "ERR_TLS_PEM";
}

/** `startTLS` on a transport that already runs TLS (Twisted AMP's `OnlyOneTLS`). */
export class OnlyOneTLSError extends TorsionError {
  override name = "OnlyOneTLSError";
  override readonly code: string = "ERR_TLS_ONLY_ONE";
  constructor(message = "TLS was already started on this transport.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `startTLS` on a transport that cannot switch (closed, or not a stream transport). */
export class StartTLSError extends TorsionError {
  override name = "StartTLSError";
  override readonly code: string = "ERR_TLS_START";
}

const HOSTNAME_CODES = new Set(["ERR_TLS_CERT_ALTNAME_INVALID"]);
const CERTIFICATE_CODE =
  /^(UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|CERT_|INVALID_CA|PATH_LENGTH|HOSTNAME_MISMATCH|IP_ADDRESS_MISMATCH|ERR_TLS_CERT_)/;
const REJECTED_REASON =
  /alert (unknown ca|bad certificate|certificate required|certificate unknown|unsupported certificate|certificate revoked|certificate expired|access denied)|peer did not return a certificate/i;

/**
 * Turns what Node reported for a TLS socket into the matching {@link TLSError}, keeping
 * OpenSSL's reason and verify code. A `TLSError` is returned as it is.
 */
export function tlsErrorFrom(error: unknown, during: "handshake" | "connection"): TLSError {
  if (error instanceof TLSError) return error;
  const e = (error ?? {}) as { code?: unknown; reason?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : String(error);
  const reason = typeof e.reason === "string" ? e.reason : message;
  const options = { cause: error, reason };
  if (HOSTNAME_CODES.has(code)) return new HostnameMismatch(`TLS: ${message}`, { ...options, verifyCode: code });
  if (CERTIFICATE_CODE.test(code))
    return new CertificateError(`TLS certificate verification failed: ${code} (${message})`, { ...options, verifyCode: code });
  if (/no.application.protocol/i.test(reason) || code.includes("NO_APPLICATION_PROTOCOL")) {
    return new NoApplicationProtocol(`TLS: no common ALPN protocol (${reason})`, options);
  }
  if (REJECTED_REASON.test(reason)) return new PeerCertificateRejected(`TLS: the peer rejected our certificate (${reason})`, options);
  if (during === "handshake") return new TLSHandshakeError(`TLS handshake failed: ${reason}`, options);
  return new TLSError(`TLS failed: ${reason}`, options);
}
