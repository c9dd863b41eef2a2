/**
 * `@torsion/tls` as the TLS provider of `@torsion/endpoints` (registered when this package
 * is imported), so `ssl:`/`tls:` descriptions, `SSL4ServerEndpoint`, `SSL4ClientEndpoint`
 * and `wrapClientTLS` run over this package.
 */
import type { IReactorSSL, ITransportHost } from "@torsion/core";
import type { ClientTLSDescription, ITLSProvider, ServerTLSDescription } from "@torsion/endpoints";
import { Certificate, certificateBlocks, KeyPair, PrivateCertificate } from "./certificate.js";
import {
  CertificateOptions,
  optionsForClientTLS,
  platformTrust,
  trustRootFromCertificates,
  type TLSVersion,
} from "./certificate-options.js";
import { connectSSL, listenSSL } from "./listen-ssl.js";
import { TLSMemoryBIOFactory } from "./tls-factory.js";

/** `sslmethod=` values mapped onto version bounds (SSLv2/3 and TLS 1.0/1.1 are not offered). */
function versionsOf(method: string | null): { minimumVersion?: TLSVersion; maximumVersion?: TLSVersion } {
  switch (method) {
    case "TLSv1_2_METHOD":
      return { minimumVersion: "TLSv1.2", maximumVersion: "TLSv1.2" };
    case "TLSv1_3_METHOD":
      return { minimumVersion: "TLSv1.3", maximumVersion: "TLSv1.3" };
    default:
      return {};
  }
}

function hasReactorSSL(reactor: object): reactor is IReactorSSL {
  const r = reactor as Partial<IReactorSSL>;
  return typeof r.listenSSL === "function" && typeof r.connectSSL === "function";
}

export const tlsProvider: ITLSProvider = {
  name: "@torsion/tls",
  serverContextFromDescription(d: ServerTLSDescription) {
    const chain = d.extraCertChain === null ? [] : certificateBlocks(d.extraCertChain.pem).map((pem) => Certificate.loadPEM(pem));
    return new CertificateOptions({
      privateKey: KeyPair.load(d.privateKey.pem),
      certificate: Certificate.loadPEM(d.certificate.pem),
      extraCertChain: chain,
      ...(d.dhParameters === null ? {} : { dhParameters: d.dhParameters.pem }),
      ...versionsOf(d.sslmethod),
    });
  },
  clientContextFromDescription(d: ClientTLSDescription) {
    const roots =
      d.trustRoots === null
        ? platformTrust()
        : trustRootFromCertificates(
            d.trustRoots.certificates.flatMap((file) => certificateBlocks(file.pem).map((pem) => Certificate.loadPEM(pem))),
          );
    const client = d.clientCertificate;
    return optionsForClientTLS(d.hostname, {
      trustRoot: roots,
      ...(client === null
        ? {}
        : {
            clientCertificate: PrivateCertificate.fromCertificateAndKeyPair(
              Certificate.loadPEM(client.certificate.pem),
              KeyPair.load((client.privateKey ?? client.certificate).pem),
            ),
          }),
    });
  },
  // A reactor with its own IReactorSSL (NodeReactor, MemoryReactor) is asked directly, so
  // endpoints over a MemoryReactor record instead of opening sockets.
  listenSSL(reactor, port, factory, contextFactory, options) {
    const opts = { backlog: options.backlog, interface: options.interface };
    if (hasReactorSSL(reactor)) return reactor.listenSSL(port, factory, contextFactory, opts);
    return listenSSL(reactor as ITransportHost, port, factory, contextFactory, opts);
  },
  connectSSL(reactor, host, port, factory, contextFactory, options) {
    const opts = { timeout: options.timeout, ...(options.bindAddress === null ? {} : { bindAddress: options.bindAddress }) };
    if (hasReactorSSL(reactor)) return reactor.connectSSL(host, port, factory, contextFactory, opts);
    return connectSSL(reactor as ITransportHost, host, port, factory, contextFactory, opts);
  },
  wrapClientFactory(connectionCreator, factory) {
    return new TLSMemoryBIOFactory(connectionCreator, true, factory);
  },
};
