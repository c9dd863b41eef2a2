import { registerTLSProvider } from "@torsion/endpoints";
import { tlsProvider } from "./tls-provider.js";
import { installStartTLS } from "./start-tls.js";

export {
  TLSError,
  TLSHandshakeError,
  CertificateError,
  HostnameMismatch,
  PeerCertificateRejected,
  NoApplicationProtocol,
  TLSOptionsError,
  PEMError,
  OnlyOneTLSError,
  StartTLSError,
  tlsErrorFrom,
  type TLSErrorOptions,
} from "./errors.js";
export { Certificate, PrivateCertificate, KeyPair, certificateBlocks } from "./certificate.js";
export {
  CertificateOptions,
  ClientTLSOptions,
  optionsForClientTLS,
  trustRootFromCertificates,
  platformTrust,
  isTLSContextFactory,
  type CertificateOptionsInit,
  type ClientTLSOptionsInit,
  type TrustRoot,
  type TLSVersion,
  type TLSRoleOptions,
  type ITLSContextFactory,
} from "./certificate-options.js";
export { TLSProtocol, CLOSE_TIMEOUT_SECONDS, type TLSProtocolOptions } from "./tls-protocol.js";
export { TLSMemoryBIOFactory, type ITLSFailureListener, type TLSFactoryOptions } from "./tls-factory.js";
export { listenSSL, connectSSL, listenUNIXSSL, connectUNIXSSL } from "./listen-ssl.js";
export { tlsProvider } from "./tls-provider.js";
export { startTLS, installStartTLS } from "./start-tls.js";

// Importing @torsion/tls makes ssl:/tls: endpoints work.
registerTLSProvider(tlsProvider);
// ...and transport.startTLS on TCP and Unix transports.
installStartTLS();
