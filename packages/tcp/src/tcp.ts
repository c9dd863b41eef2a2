import net from "node:net";
import {
  CannotListenError,
  InvalidAddressError,
  ipAddress,
  type ConnectTCPOptions,
  type IClientFactory,
  type IPAddress,
  type IProtocolFactory,
  type ITransportHost,
  type ListenTCPOptions,
} from "@torsion/core";
import {
  connectStream,
  listenStream,
  type OnRead,
  type SocketAddresses,
  type StreamConnector,
  type StreamConnectorTarget,
  type StreamPort,
  type StreamPortBinding,
  type StreamTuning,
} from "@torsion/stream";
import { listenSync } from "@torsion/stream/internal";

/** `listenTCP` options: core's, plus tuning. */
export interface TCPListenOptions extends ListenTCPOptions, StreamTuning {}

/** `connectTCP` options: core's, plus tuning and an injectable resolver. */
export interface TCPConnectOptions extends ConnectTCPOptions, StreamTuning {
  /** Host-name resolver with `dns.lookup`'s signature (for tests). @default dns.lookup */
  readonly lookup?: net.LookupFunction;
}

/** Twisted's interface names: `""` is every IPv4 address; `localhost` is 127.0.0.1. */
function bindAddressOf(iface: string): string {
  if (iface === "") return "0.0.0.0";
  if (iface === "localhost") return "127.0.0.1";
  return iface;
}

function socketAddresses(socket: net.Socket): SocketAddresses {
  return {
    peer: ipAddress("TCP", socket.remoteAddress ?? "", socket.remotePort ?? 0),
    local: ipAddress("TCP", socket.localAddress ?? "", socket.localPort ?? 0),
  };
}

/** Whether `host` (a bind address) is a wildcard, so that accepted sockets' local IPs vary. */
function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host.includes("%");
}

class TCPBinding implements StreamPortBinding<IPAddress> {
  readonly noDelay = true;
  readonly resetOnAbort = true;
  readonly #port: number;
  readonly #iface: string;
  readonly #backlog: number;
  /**
   * The local address every accepted socket has when bound to one IP (shared: addresses
   * are immutable), saving a `getsockname` per connection; `null` for a wildcard bind.
   */
  #sharedLocal: ReturnType<typeof ipAddress> | null = null;

  constructor(port: number, iface: string, backlog: number) {
    this.#port = port;
    this.#iface = iface;
    this.#backlog = backlog;
  }

  bind(server: net.Server, onLateError: (error: Error) => void): void {
    const host = bindAddressOf(this.#iface);
    if (net.isIP(host) === 0) {
      throw new CannotListenError(
        this.#iface,
        this.#port,
        new InvalidAddressError(`interface must be an IP address, not ${JSON.stringify(this.#iface)}`),
      );
    }
    if (!Number.isInteger(this.#port) || this.#port < 0 || this.#port > 65535) {
      throw new CannotListenError(
        this.#iface,
        this.#port,
        new RangeError(`port must be an integer from 0 to 65535, not ${String(this.#port)}`),
      );
    }
    const result = listenSync(server, { port: this.#port, host, backlog: this.#backlog, ipv6Only: host.includes(":") && host !== "::" });
    if (result.state === "failed") throw new CannotListenError(this.#iface, this.#port, result.error);
    if (result.state === "pending") server.once("error", onLateError);
  }

  localAddress(server: net.Server): ReturnType<typeof ipAddress> {
    const address = server.address();
    if (address !== null && typeof address === "object") {
      const local = ipAddress("TCP", address.address, address.port);
      this.#sharedLocal = isWildcard(address.address) ? null : local;
      return local;
    }
    this.#sharedLocal = null;
    return ipAddress("TCP", bindAddressOf(this.#iface), this.#port);
  }

  addresses(socket: net.Socket): SocketAddresses {
    const local = this.#sharedLocal;
    if (local === null) return socketAddresses(socket);
    return { peer: ipAddress("TCP", socket.remoteAddress ?? "", socket.remotePort ?? 0), local };
  }
}

/**
 * Listens on TCP `port` (0 picks a free one) of `options.interface` (an IP address; `""`
 * means every IPv4 address, `"::"` every IPv6 one, `"localhost"` 127.0.0.1; other host
 * names are refused) with `options.backlog` (default 50).
 * Returns the listening port; `factory.doStart()` has been called. Throws
 * `CannotListenError` synchronously when the address is invalid or binding fails (e.g.
 * `EADDRINUSE`, as `cause`). Accepted sockets have TCP_NODELAY on and use the `onread`
 * fast path unless `options.fastPath` is false. Used by `NodeReactor.listenTCP`.
 */
export function listenTCP(
  host: ITransportHost,
  port: number,
  factory: IProtocolFactory,
  options: TCPListenOptions = {},
): StreamPort<IPAddress> {
  return listenStream(host, factory, new TCPBinding(port, options.interface ?? "", options.backlog ?? 50), options);
}

class TCPTarget implements StreamConnectorTarget {
  readonly noDelay = true;
  readonly resetOnAbort = true;
  readonly destination: ReturnType<typeof ipAddress>;
  readonly #hostname: string;
  readonly #port: number;
  readonly #options: TCPConnectOptions;

  constructor(hostname: string, port: number, options: TCPConnectOptions) {
    this.#hostname = hostname;
    this.#port = port;
    this.#options = options;
    this.destination = ipAddress("TCP", hostname, port);
  }

  open(onread: OnRead | undefined, writableHighWaterMark: number): net.Socket {
    const bind = this.#options.bindAddress;
    const options: net.NetConnectOpts & { onread?: OnRead; writableHighWaterMark: number } = {
      host: this.#hostname,
      port: this.#port,
      allowHalfOpen: true,
      noDelay: true,
      writableHighWaterMark,
      ...(onread === undefined ? {} : { onread }),
      ...(bind === undefined ? {} : { localAddress: bindAddressOf(bind[0]), localPort: bind[1] }),
      ...(this.#options.lookup === undefined ? {} : { lookup: this.#options.lookup }),
    };
    return net.connect(options);
  }

  addresses(socket: net.Socket): SocketAddresses {
    return socketAddresses(socket);
  }
}

/**
 * Connects to `hostname:port` and starts the attempt at once. Returns the connector
 * (see `StreamConnector` for the event order). `options.timeout` (default 30 s, on the
 * host's clock) fails the attempt with `TimeoutError`; `options.bindAddress` binds the
 * local end first. TCP_NODELAY is on. Used by `NodeReactor.connectTCP`.
 */
export function connectTCP(
  host: ITransportHost,
  hostname: string,
  port: number,
  factory: IClientFactory,
  options: TCPConnectOptions = {},
): StreamConnector {
  return connectStream(host, factory, new TCPTarget(hostname, port, options), options);
}
