import { createSocket } from "node:dgram";
import type { RemoteInfo, Socket } from "node:dgram";
import createDebug from "debug";
import {
  CannotListenError,
  IPv4Address,
  IPv6Address,
  InvalidAddressError,
  MessageLengthError,
  NotListeningError,
  watchResult,
} from "@torsion/core";
import type { CallbackResult, DatagramAddress, IDatagramProtocol, ITransportHost, IUDPTransport } from "@torsion/core";
import { Deferred } from "@torsion/defer";
import { AddressCache } from "./address-cache.js";
import { bindTarget, checkHost, ipLiteralLookup, splitAddress } from "./datagram-address.js";
import type { SocketFamily } from "./datagram-address.js";
import { AlreadyConnectedError, AlreadyListeningError, DatagramSocketError } from "./errors.js";

const debug = createDebug("torsion:udp:udp-port");

/** Options of {@link UDPPort}. */
export interface UDPPortOptions {
  /** The IP address to bind; `""` means every IPv4 address, an IPv6 literal makes an IPv6 port. @default "" */
  readonly interface?: string;
  /** Largest datagram `write` accepts (bytes); larger ones throw `MessageLengthError`. @default 8192 */
  readonly maxPacketSize?: number;
  /** Let several sockets bind the same address and port (`SO_REUSEADDR`). @default false */
  readonly reuseAddr?: boolean;
}

/** Where a port is in its life: bound and serving, closing, or not bound. */
export type UDPPortState = "idle" | "listening" | "closing";

type SendCallback = (error: Error | null, bytes?: number) => void;

/**
 * A UDP port over `node:dgram`, Twisted's `udp.Port`: one `DatagramProtocol` instance
 * serves it. `listenUDP` builds one and calls `startListening()`.
 *
 * Binding is synchronous (see `ipLiteralLookup`), so when `startListening` returns the
 * socket is bound, `getHost()` tells the real port, and writes go straight out; there is
 * no "not yet bound" window in which writes would need queueing. A bind failure throws
 * `CannotListenError` from `startListening` (hence from `listenUDP`) and the protocol is
 * never started.
 *
 * Received datagrams are delivered whole: Node reads up to 64 KiB whatever
 * `maxPacketSize` says (Twisted would truncate to `maxPacketSize`).
 */
export class UDPPort implements IUDPTransport {
  readonly #host: ITransportHost;
  readonly #port: number;
  readonly #protocol: IDatagramProtocol;
  readonly #interface: string;
  readonly #maxPacketSize: number;
  readonly #reuseAddr: boolean;
  readonly #family: SocketFamily;
  readonly #bindAddress: string;
  readonly #addresses: AddressCache;
  #socket: Socket | null = null;
  #state: UDPPortState = "idle";
  #connected: { readonly host: string; readonly port: number; readonly given: string } | null = null;
  #broadcast = false;
  #boundAddress: IPv4Address | IPv6Address | null = null;
  #unregister: (() => void) | null = null;
  #closeWaiters: Deferred<void>[] = [];
  #lastHost: string | null = null;

  /**
   * Checks the options; does not bind (call `startListening`).
   *
   * @throws InvalidAddressError when `interface` is not an IP literal or `""`
   * @throws RangeError for a bad port number or `maxPacketSize`
   */
  constructor(host: ITransportHost, port: number, protocol: IDatagramProtocol, options: UDPPortOptions = {}) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`UDP port must be an integer in 0..65535, not ${port}`);
    const maxPacketSize = options.maxPacketSize ?? 8192;
    if (!Number.isInteger(maxPacketSize) || maxPacketSize < 0)
      throw new RangeError(`maxPacketSize must be a non-negative integer, not ${maxPacketSize}`);
    this.#host = host;
    this.#port = port;
    this.#protocol = protocol;
    this.#interface = options.interface ?? "";
    this.#maxPacketSize = maxPacketSize;
    this.#reuseAddr = options.reuseAddr ?? false;
    const target = bindTarget(this.#interface);
    this.#family = target.family;
    this.#bindAddress = target.address;
    this.#addresses = new AddressCache(target.family);
  }

  /** Where the port is in its life. */
  get state(): UDPPortState {
    return this.#state;
  }

  /** The largest datagram `write` accepts. */
  get maxPacketSize(): number {
    return this.#maxPacketSize;
  }

  /**
   * Binds the socket (synchronously), registers the port with the host so `reactor.stop()`
   * closes it, then calls `protocol.makeConnection(this)` (its `startProtocol` runs if this
   * is the protocol's first port). An exception from the protocol is reported and the port
   * keeps listening. Can be called again after `stopListening` has completed.
   *
   * @throws CannotListenError when the address cannot be bound (`cause`: the Node error)
   * @throws AlreadyListeningError when the port is listening or still closing
   */
  startListening(): void {
    if (this.#state !== "idle") throw new AlreadyListeningError(`UDP port is ${this.#state}; startListening needs a stopped port`);
    const socket = this.#bind();
    this.#socket = socket;
    this.#state = "listening";
    const bound = socket.address();
    this.#boundAddress =
      this.#family === "udp4" ? new IPv4Address("UDP", bound.address, bound.port) : new IPv6Address("UDP", bound.address, bound.port);
    debug("listening on %s", this.#boundAddress);
    try {
      if (this.#broadcast) socket.setBroadcast(true);
      this.socketBound(socket);
    } catch (error) {
      this.#host.reportError(error, "UDPPort: restoring socket options");
    }
    this.#unregister = this.#host.registerResource({ kind: "port", shutdown: () => this.stopListening() });
    this.#call("startProtocol", () => this.#protocol.makeConnection(this));
  }

  /**
   * Sends one datagram. Unconnected: `addr` is required (an address object or a
   * `[host, port]` pair with an IP literal host; `"<broadcast>"` is 255.255.255.255).
   * Connected: omit `addr` (or pass the connected address). Errors the kernel reports
   * after `write` returned are handed to the host's `reportError`: `DatagramSocketError`
   * (e.g. `EACCES` for a broadcast without `setBroadcastAllowed(true)`), `MessageLengthError`
   * (`EMSGSIZE`, when `maxPacketSize` exceeds what the kernel accepts); `ECONNREFUSED` on a
   * connected port calls `protocol.connectionRefused()` instead. Ignored (logged) after
   * `stopListening`.
   *
   * @throws TypeError when `datagram` is not a `Uint8Array` (or `addr` has a bad shape)
   * @throws MessageLengthError when `datagram` is longer than `maxPacketSize`; nothing is sent
   * @throws InvalidAddressError for a host name, the wrong IP family, a missing address
   *   when unconnected, or another address when connected
   */
  write(datagram: Uint8Array, addr?: DatagramAddress): void {
    if (!(datagram instanceof Uint8Array)) throw new TypeError(`UDP datagrams must be Uint8Array/Buffer, not ${describe(datagram)}`);
    if (datagram.byteLength > this.#maxPacketSize) {
      throw new MessageLengthError(
        `datagram of ${datagram.byteLength} bytes exceeds maxPacketSize ${this.#maxPacketSize}; nothing was sent`,
      );
    }
    const socket = this.#socket;
    if (socket === null || this.#state !== "listening") {
      debug("write of %d bytes ignored: port is %s", datagram.byteLength, this.#state);
      return;
    }
    const connected = this.#connected;
    if (connected !== null) {
      if (addr !== undefined) this.#checkConnectedAddress(addr, connected);
      socket.send(datagram, this.#afterSend);
      return;
    }
    if (addr === undefined) throw new InvalidAddressError("write() needs an address when the UDP port is not connected");
    let rawHost: unknown;
    let port: unknown;
    if (addr instanceof IPv4Address || addr instanceof IPv6Address) {
      rawHost = addr.host; // the common case (replying to a sender): no array allocated
      port = addr.port;
    } else {
      [rawHost, port] = splitAddress(addr);
    }
    const last = this.#lastHost;
    const host = last !== null && rawHost === last ? last : this.#rememberHost(rawHost);
    socket.send(datagram, port as number, host, this.#afterSend);
  }

  /**
   * Switches to connected mode: the kernel then delivers only datagrams from `host:port`
   * (datagrams from others already queued are dropped here), `write` takes no address, and
   * an ICMP port-unreachable from the peer calls `protocol.connectionRefused()`.
   *
   * @throws InvalidAddressError when `host` is not an IP literal of the port's family
   * @throws AlreadyConnectedError when already connected
   * @throws NotListeningError when the port is not listening
   * @throws DatagramSocketError when the kernel refuses the connect (the socket error is
   *   also reported to the host)
   */
  connect(host: string, port: number): void {
    if (this.#connected !== null) throw new AlreadyConnectedError();
    const literal = checkHost(host, this.#family);
    const socket = this.#socket;
    if (socket === null || this.#state !== "listening") throw new NotListeningError("connect() needs a listening UDP port");
    socket.connect(port, literal);
    // With the synchronous lookup the kernel connect has happened; read back its canonical form.
    let peer: { address: string; port: number };
    try {
      peer = socket.remoteAddress();
    } catch (error) {
      throw new DatagramSocketError(`UDP connect to ${host}:${port} failed`, { cause: error });
    }
    this.#connected = { host: peer.address, port: peer.port, given: host };
    debug("%s connected to %s:%d", this.#boundAddress, peer.address, peer.port);
  }

  /** The bound address (the real port after binding port 0); the last one after stopping. */
  getHost(): IPv4Address | IPv6Address {
    if (this.#boundAddress === null) throw new NotListeningError("the UDP port has never been bound");
    return this.#boundAddress;
  }

  /**
   * Closes the socket. Once closed: the host registration is dropped, the protocol's
   * `doStop()` runs (its `stopProtocol` if this was its last port), then the returned
   * Deferred fires. Each call gets its own Deferred; on a stopped port it has already fired.
   */
  stopListening(): Deferred<void> {
    const done = new Deferred<void>();
    if (this.#state === "idle") {
      done.callback(undefined);
      return done;
    }
    this.#closeWaiters.push(done);
    if (this.#state === "listening") this.#close();
    return done;
  }

  /** Twisted's other name for {@link stopListening}. */
  loseConnection(): Deferred<void> {
    return this.stopListening();
  }

  /**
   * True from `stopListening`/`loseConnection` on (while closing and once stopped), false
   * while listening (and before the first `startListening`, or after a restart). Nothing
   * is delivered to the protocol while it is true.
   */
  get disconnecting(): boolean {
    return this.#state === "closing" || (this.#state === "idle" && this.#boundAddress !== null);
  }

  /** Allows sending to broadcast addresses (`SO_BROADCAST`); kept across restarts. */
  setBroadcastAllowed(enabled: boolean): void {
    this.#broadcast = enabled;
    this.socket?.setBroadcast(enabled);
  }

  /** Whether broadcast is allowed (Node has no getter; the port remembers). @default false */
  getBroadcastAllowed(): boolean {
    return this.#broadcast;
  }

  /** The socket family: `"udp4"` or `"udp6"`. */
  get family(): SocketFamily {
    return this.#family;
  }

  /** For subclasses: the live socket, or `null` when not listening. */
  protected get socket(): Socket | null {
    return this.#state === "listening" ? this.#socket : null;
  }

  /** For subclasses: called once per bind, before the protocol starts, to apply socket options. */
  protected socketBound(socket: Socket): void {}

  /** A description for logs, e.g. `UDPPort(IPv4Address(type='UDP', host='127.0.0.1', port=5353))`. */
  toString(): string {
    return `UDPPort(${this.#boundAddress?.toString() ?? `${this.#interface}:${this.#port}`})`;
  }

  #bind(): Socket {
    const socket = createSocket({ type: this.#family, lookup: ipLiteralLookup, reuseAddr: this.#reuseAddr });
    let failure: Error | null = null;
    let listening = false;
    const onError = (error: Error): void => {
      failure = error;
    };
    socket.once("error", onError);
    socket.once("listening", () => (listening = true));
    socket.bind({ port: this.#port, address: this.#bindAddress, exclusive: true });
    socket.removeListener("error", onError);
    // Both are set by the listeners during the synchronous bind(): TypeScript does not see that.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (failure !== null || !listening) {
      socket.close();
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      const cause = failure ?? new Error("node:dgram did not bind synchronously (unsupported Node.js version)");
      throw new CannotListenError(this.#interface, this.#port, cause);
    }
    socket.on("message", this.#onMessage);
    socket.on("error", this.#onError);
    return socket;
  }

  #rememberHost(rawHost: unknown): string {
    const host = checkHost(rawHost, this.#family);
    if (host === rawHost) this.#lastHost = host;
    return host;
  }

  #checkConnectedAddress(addr: DatagramAddress, connected: { host: string; port: number; given: string }): void {
    const [host, port] = splitAddress(addr);
    if (port === connected.port && (host === connected.host || host === connected.given)) return;
    throw new InvalidAddressError(
      `connected UDP port can only write to ${connected.given}:${connected.port}, not ${String(host)}:${String(port)}`,
    );
  }

  readonly #onMessage = (data: Buffer, rinfo: RemoteInfo): void => {
    if (this.#state !== "listening") return;
    const peer = this.#connected;
    if (peer !== null && (rinfo.port !== peer.port || rinfo.address !== peer.host)) return;
    const addr = this.#addresses.get(rinfo.address, rinfo.port);
    try {
      const result = this.#protocol.datagramReceived(data, addr);
      if (result !== undefined) watchResult(result, this.#datagramFailed);
    } catch (error) {
      this.#datagramFailed(error);
    }
  };

  /** A failed `datagramReceived` (a throw or a failed promise, any value): reported; the port keeps serving. */
  readonly #datagramFailed = (error: unknown): void => {
    this.#host.reportError(error, "datagramReceived");
  };

  /** Runs a protocol callback: a throw or a failed returned promise is reported. */
  #call(what: string, fn: () => CallbackResult): void {
    try {
      const result = fn();
      if (result !== undefined) watchResult(result, (error) => this.#host.reportError(error, what));
    } catch (error) {
      this.#host.reportError(error, what);
    }
  }

  readonly #onError = (error: NodeJS.ErrnoException): void => {
    if (error.code === "ECONNREFUSED") {
      this.#refused();
      return;
    }
    this.#host.reportError(
      new DatagramSocketError(`UDP port ${String(this.#boundAddress)}: ${error.message}`, { cause: error }),
      "UDPPort",
    );
  };

  readonly #afterSend: SendCallback = (error) => {
    if (error === null) return;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ECONNREFUSED") {
      this.#refused();
    } else if (code === "EMSGSIZE") {
      this.#host.reportError(
        new MessageLengthError(`the kernel refused a datagram as too long: ${error.message}`, { cause: error }),
        "UDPPort.write",
      );
    } else {
      this.#host.reportError(new DatagramSocketError(`UDP send failed: ${error.message}`, { cause: error }), "UDPPort.write");
    }
  };

  #refused(): void {
    if (this.#connected === null || this.#state !== "listening") {
      debug("ignoring ECONNREFUSED on an unconnected port");
      return;
    }
    this.#call("connectionRefused", () => this.#protocol.connectionRefused());
  }

  #close(): void {
    const socket = this.#socket;
    this.#state = "closing";
    if (socket === null) {
      this.#closed();
      return;
    }
    debug("closing %s", this.#boundAddress);
    socket.close(() => this.#closed());
  }

  #closed(): void {
    this.#socket = null;
    this.#connected = null;
    this.#lastHost = null;
    this.#addresses.clear();
    this.#state = "idle";
    const unregister = this.#unregister;
    this.#unregister = null;
    unregister?.();
    this.#call("stopProtocol", () => this.#protocol.doStop());
    const waiters = this.#closeWaiters;
    this.#closeWaiters = [];
    for (const waiter of waiters) waiter.callback(undefined);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value.constructor as { name?: string } | undefined)?.name ?? "object";
  return typeof value;
}
