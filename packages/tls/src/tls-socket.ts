/**
 * Makes the `node:tls` socket of one side of a connection, over whatever carries the
 * ciphertext: a `net.Socket` (native TLS on the TCP or Unix handle: `listenSSL`,
 * `connectSSL`) or a `Duplex` over a Torsion transport (`startTLS`, the in-memory kit).
 *
 * Clients go through `tls.connect({socket})`, so Node verifies the chain (a bare
 * `new tls.TLSSocket(socket)` never does), then our `checkServerIdentity` with the name
 * the context factory names (or the host connected to). Servers are
 * `new tls.TLSSocket(socket, {isServer: true})`; the TLS layer checks
 * `authorizationError` itself on `'secure'` (see `TLSProtocol`).
 */
import type { Duplex } from "node:stream";
import type tls from "node:tls";
import type { ITLSContextFactory, TLSRoleOptions } from "./certificate-options.js";
import { loadedTLS, nodeTLS } from "./lazy-builtins.js";

/** The handshake event of a socket made by {@link createTLSSocket}, by role. */
export const SECURE_EVENT = { client: "secureConnect", server: "secure" } as const;

/**
 * What `node:tls` is given for each connection, by the options it came from: worked out
 * once per context factory and role (`tlsOptionsFor` returns the same object each time),
 * not per connection.
 */
const serverSocketOptions = new WeakMap<TLSRoleOptions, tls.TLSSocketOptions>();
const clientConnectOptions = new WeakMap<TLSRoleOptions, tls.ConnectionOptions>();

function serverOptionsOf(options: TLSRoleOptions): tls.TLSSocketOptions {
  let made = serverSocketOptions.get(options);
  if (made === undefined) {
    made = {
      isServer: true,
      secureContext: options.secureContext,
      requestCert: options.requestCert ?? false,
      rejectUnauthorized: options.rejectUnauthorized ?? false,
      ...(options.ALPNProtocols === undefined ? {} : { ALPNProtocols: options.ALPNProtocols }),
    };
    serverSocketOptions.set(options, made);
  }
  return made;
}

function clientOptionsOf(options: TLSRoleOptions, host: string): tls.ConnectionOptions {
  let made = clientConnectOptions.get(options);
  if (made === undefined) {
    const checkHost = options.checkHost ?? host;
    made = {
      secureContext: options.secureContext,
      rejectUnauthorized: true,
      ...(options.servername === undefined ? {} : { servername: options.servername }),
      ...(options.ALPNProtocols === undefined ? {} : { ALPNProtocols: options.ALPNProtocols }),
      checkServerIdentity: (_name, cert) => nodeTLS().checkServerIdentity(checkHost, cert),
    };
    // The name checked is part of the options unless they leave it to the host connected to.
    if (options.checkHost !== undefined) clientConnectOptions.set(options, made);
  }
  return made;
}

/** A TLS socket for `role` over `carrier`, with the contexts of `contextFactory`. */
export function createTLSSocket(
  role: "client" | "server",
  contextFactory: ITLSContextFactory,
  host: string,
  carrier: Duplex,
): tls.TLSSocket {
  const options = contextFactory.tlsOptionsFor(role, host);
  if (role === "client") return nodeTLS().connect({ ...clientOptionsOf(options, host), socket: carrier });
  return new (nodeTLS().TLSSocket)(carrier, serverOptionsOf(options));
}

/**
 * The mark of a TLS socket made by a TLS factory's `prepareStream` directly over a
 * connection's `net.Socket`: a `TLSProtocol` whose lower transport runs over one of these
 * uses it as its TLS socket (native TLS) instead of building a Duplex. A property under a
 * module-private symbol rather than a `WeakSet`: a `WeakSet` entry per connection cost
 * several microseconds per handshake (the add, and its ephemeron in every GC).
 */
const NATIVE = Symbol("torsion.tls.native");

interface MarkedSocket {
  [NATIVE]?: true;
}

/** Marks `socket` as native (see {@link nativeSocketOf}). */
export function markNative(socket: tls.TLSSocket): void {
  (socket as tls.TLSSocket & MarkedSocket)[NATIVE] = true;
}

/** The native TLS socket under `transport` (a stream transport over one), else `null`. */
export function nativeSocketOf(transport: object): tls.TLSSocket | null {
  const socket = (transport as { readonly socket?: unknown; readonly interposed?: unknown }).socket;
  // No TLS socket exists before node:tls is loaded.
  const loaded = loadedTLS();
  if (loaded === null || !(socket instanceof loaded.TLSSocket) || (socket as tls.TLSSocket & MarkedSocket)[NATIVE] !== true) return null;
  return (transport as { interposed?: unknown }).interposed === true ? null : socket;
}
