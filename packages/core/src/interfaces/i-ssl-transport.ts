import type { X509Certificate } from "node:crypto";
import type { ITCPTransport } from "./i-tcp-transport.js";

/**
 * A transport that carries TLS (Twisted's `ISSLTransport` plus `INegotiated`): what a
 * protocol's `transport` is under `listenSSL`, `connectSSL`, `wrapClientTLS` or after
 * `startTLS`.
 */
export interface ISSLTransport extends ITCPTransport {
  /**
   * The peer's certificate, or `null` before the handshake has completed and when the
   * peer sent none (a server that did not ask for client certificates sees `null`).
   */
  getPeerCertificate(): X509Certificate | null;
  /**
   * The ALPN protocol both sides agreed on (e.g. `"h2"`), or `null` before the handshake
   * completed and when none was agreed (or the peer offered no ALPN).
   */
  readonly negotiatedProtocol: string | null;
}

/**
 * Optional: a protocol that declares `handshakeCompleted` (Twisted's `IHandshakeListener`)
 * has it called once, when the TLS handshake (including certificate and hostname
 * verification) has succeeded, after `connectionMade` and before any `dataReceived` of
 * data sent over TLS.
 */
export interface IHandshakeListener {
  handshakeCompleted(): void;
}
