/**
 * `transport.startTLS(contextFactory, normal = true, {alreadyReceived})` on TCP and Unix
 * transports (Twisted's `ITLSTransport`), through the stream transport's `interpose` seam:
 * a {@link TLSProtocol} takes the connection over; the protocol stays the same object and
 * keeps its transport, whose methods now go through TLS.
 *
 * - Plaintext written before the call is already queued on the socket, so it goes out
 *   first; the TLS handshake follows it.
 * - Inbound: every read after the call goes to TLS. Bytes the protocol already received
 *   but that follow its STARTTLS command (the peer may have sent its ClientHello right
 *   behind it) are the protocol's; it hands them over as `alreadyReceived` and they become
 *   TLS's first input. They are never delivered as plaintext (Node would otherwise hang the
 *   handshake: the bytes it needs were consumed). Twisted leaves them to the parser, which
 *   is the STARTTLS command-injection hazard.
 * - A registered producer moves to the TLS layer. A second `startTLS` throws `OnlyOneTLSError`.
 * - Roles: `normal` makes the side that connected the TLS client; `false` swaps.
 */
import { reportError } from "@torsion/defer";
import { StreamTransport } from "@torsion/stream";
import { isTLSContextFactory } from "./certificate-options.js";
import { OnlyOneTLSError, StartTLSError, TLSOptionsError } from "./errors.js";
import { TLSProtocol } from "./tls-protocol.js";

/** What `StreamTransport.startTLS` runs (registered when `@torsion/tls` is imported). */
export function startTLS(
  transport: StreamTransport,
  contextFactory: object,
  normal = true,
  options: { readonly alreadyReceived?: Uint8Array } = {},
): TLSProtocol {
  if (transport.interposed) throw new OnlyOneTLSError();
  const protocol = transport.protocol;
  if (protocol === null || transport.disconnecting) throw new StartTLSError("startTLS on a transport that is not open");
  if (!isTLSContextFactory(contextFactory)) {
    throw new TLSOptionsError("startTLS needs CertificateOptions or what optionsForClientTLS returns");
  }
  const role = (transport.side === "client") === normal ? "client" : "server";
  const peerHost = (transport.getPeer() as { host?: unknown }).host;
  const peer = typeof peerHost === "string" ? peerHost : "localhost";
  const layer = new TLSProtocol(protocol, {
    role,
    contextFactory,
    host: peer,
    alreadyConnected: true,
    clock: transport.transportHost,
    reportError: (error, context) => reportError(error, context),
    ...(options.alreadyReceived === undefined ? {} : { initialInput: options.alreadyReceived }),
  });
  const { raw, producer } = transport.interpose(layer, layer);
  layer.makeConnection(raw);
  if (producer !== null) layer.registerProducer(producer.producer, producer.streaming);
  return layer;
}

/** Registers {@link startTLS} as the stream transports' `startTLS`. */
export function installStartTLS(): void {
  StreamTransport.tlsStarter = (transport, contextFactory, normal, options) => void startTLS(transport, contextFactory, normal, options);
}
