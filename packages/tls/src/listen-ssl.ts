/**
 * `listenSSL` and `connectSSL` (Twisted's `IReactorSSL`): TCP with a
 * {@link TLSMemoryBIOFactory} around the factory, on the stream machinery of
 * `@torsion/tcp`. They take any `ITransportHost` (the reactor).
 */
import type { IClientFactory, IConnector, IListeningPort, IProtocolFactory, ITransportHost } from "@torsion/core";
import { connectTCP, listenTCP, type TCPConnectOptions, type TCPListenOptions } from "@torsion/tcp";
import { connectUNIX, listenUNIX, type UNIXConnectOptions, type UNIXListenOptions } from "@torsion/unix";
import { TLSMemoryBIOFactory } from "./tls-factory.js";

function reporter(host: ITransportHost): (error: unknown, context: string) => void {
  return (error, context) => host.reportError(error, context);
}

/** Listens for TLS on a TCP port. Throws `CannotListenError` or `TLSOptionsError` synchronously. */
export function listenSSL(
  host: ITransportHost,
  port: number,
  factory: IProtocolFactory,
  contextFactory: object,
  options: TCPListenOptions = {},
): IListeningPort {
  return listenTCP(
    host,
    port,
    new TLSMemoryBIOFactory(contextFactory, false, factory, { reportError: reporter(host), clock: host }),
    options,
  );
}

/** Connects with TLS over TCP; the server must prove `hostname` unless the context names one. */
export function connectSSL(
  host: ITransportHost,
  hostname: string,
  port: number,
  factory: IClientFactory,
  contextFactory: object,
  options: TCPConnectOptions = {},
): IConnector {
  return connectTCP(
    host,
    hostname,
    port,
    new TLSMemoryBIOFactory(contextFactory, true, factory, { host: hostname, reportError: reporter(host), clock: host }),
    options,
  );
}

/** Listens for TLS on a Unix socket. */
export function listenUNIXSSL(
  host: ITransportHost,
  address: string,
  factory: IProtocolFactory,
  contextFactory: object,
  options: UNIXListenOptions = {},
): IListeningPort {
  return listenUNIX(
    host,
    address,
    new TLSMemoryBIOFactory(contextFactory, false, factory, { reportError: reporter(host), clock: host }),
    options,
  );
}

/** Connects with TLS over a Unix socket (the context factory must name the server, e.g. `optionsForClientTLS`). */
export function connectUNIXSSL(
  host: ITransportHost,
  address: string,
  factory: IClientFactory,
  contextFactory: object,
  options: UNIXConnectOptions = {},
): IConnector {
  return connectUNIX(
    host,
    address,
    new TLSMemoryBIOFactory(contextFactory, true, factory, { reportError: reporter(host), clock: host }),
    options,
  );
}
