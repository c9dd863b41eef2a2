import net from "node:net";
import createDebug from "debug";
import { Deferred } from "@torsion/defer";
import type { IAddress, IListeningPort, IProtocol, IProtocolFactory, ITransportHost } from "@torsion/core";
import { AlreadyListeningError } from "./errors.js";
import { fastAcceptSupported, interceptAccept, rewrapAccepted, wrapHandle, type AcceptedHandle } from "./node-internals.js";
import { DEFAULT_HIGH_WATER_MARK, StreamTransport } from "./stream-transport.js";

const debug = createDebug("torsion:tcp:stream-port");

/** The addresses of one accepted or connected socket. */
export interface SocketAddresses {
  readonly peer: IAddress;
  readonly local: IAddress;
}

/** What differs between a TCP and a Unix listening port. */
export interface StreamPortBinding {
  /** Whether accepted sockets get TCP_NODELAY. */
  readonly noDelay: boolean;
  /** Whether `abortConnection` sends a TCP reset. */
  readonly resetOnAbort: boolean;
  /**
   * Binds and listens `server`. Throws `CannotListenError` synchronously when it can
   * tell; an error it cannot tell at once is passed to `onLateError` (fallback path).
   */
  bind(server: net.Server, onLateError: (error: Error) => void): void;
  /** The bound address (after `bind`). */
  localAddress(server: net.Server): IAddress;
  /** The addresses of an accepted socket. */
  addresses(socket: net.Socket): SocketAddresses;
  /** Called once the listening socket is closed (e.g. to remove a socket file). */
  cleanup?(): void;
}

/** Tuning shared by ports and connectors. */
export interface StreamTuning {
  /**
   * Use the `onread` fast read path when the runtime supports it (see
   * `node-internals.ts`); `false` forces plain `'data'` events. @default true
   */
  readonly fastPath?: boolean;
  /**
   * With the fast path, take accepted handles straight from the listening socket (one
   * `net.Socket` per connection); `false` takes them from Node's `'connection'` sockets
   * instead (a placeholder socket per connection: slower, kept as the fallback and for
   * tests). Ignored by connectors. @default true
   */
  readonly fastAccept?: boolean;
  /** Write-buffer high-water mark in bytes (streaming producers pause above it). @default 65536 */
  readonly highWaterMark?: number;
}

/**
 * How a port takes accepted connections: `"intercept"` (handles straight from the
 * listening socket, `onread`), `"rewrap"` (handles moved out of Node's `'connection'`
 * sockets, `onread`), `"events"` (Node's sockets as they are, `'data'` events).
 */
export type AcceptPath = "intercept" | "rewrap" | "events";

/**
 * A listening stream socket (TCP or Unix): accepts connections, builds a protocol for
 * each with the factory, and runs it over a {@link StreamTransport}.
 *
 * `factory.doStart()` is called each time listening starts, `factory.doStop()` each time
 * it stops (before the `stopListening` Deferred fires). A `buildProtocol` that returns
 * `null` or throws (reported through the host) closes the accepted socket at once.
 */
export class StreamPort implements IListeningPort {
  /** For `reactor.stop()`: ports are stopped before connections are closed. */
  readonly kind = "port" as const;
  readonly #host: ITransportHost;
  readonly #factory: IProtocolFactory;
  readonly #binding: StreamPortBinding;
  readonly #fast: boolean;
  readonly #fastAccept: boolean;
  readonly #highWaterMark: number;
  #acceptPath: AcceptPath;
  #server: net.Server | null = null;
  #address: IAddress | null = null;
  #unregister: (() => void) | null = null;
  #stopping: Deferred<void> | null = null;

  constructor(host: ITransportHost, factory: IProtocolFactory, binding: StreamPortBinding, tuning: StreamTuning = {}) {
    this.#host = host;
    this.#factory = factory;
    this.#binding = binding;
    this.#fast = (tuning.fastPath ?? true) && fastAcceptSupported;
    this.#fastAccept = tuning.fastAccept ?? true;
    this.#acceptPath = this.#fast ? "rewrap" : "events";
    this.#highWaterMark = tuning.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  }

  /** Whether accepted connections use the `onread` fast path. */
  get fastPath(): boolean {
    return this.#fast;
  }

  /**
   * How accepted connections are taken (see {@link AcceptPath}); decided each time
   * listening starts ("intercept" needs the listening handle to be as expected).
   */
  get acceptPath(): AcceptPath {
    return this.#acceptPath;
  }

  /** Binds and listens. Throws `CannotListenError` (nothing is left open) on failure. */
  startListening(): void {
    if (this.#server !== null) throw new AlreadyListeningError();
    const server = net.createServer({ pauseOnConnect: this.#fast, noDelay: this.#binding.noDelay, allowHalfOpen: true }, this.#onConnection);
    server.on("error", (error) => debug("server error after a failed bind: %s", error.message));
    this.#binding.bind(server, (error) => this.#lateBindError(server, error));
    this.#server = server;
    if (this.#fast) this.#acceptPath = this.#fastAccept && interceptAccept(server, this.#onHandle) ? "intercept" : "rewrap";
    this.#address = this.#binding.localAddress(server);
    this.#unregister = this.#host.registerResource(this);
    debug("listening on %s (fast path %s)", String(this.#address), this.#fast);
    this.#call("doStart", () => this.#factory.doStart());
  }

  /**
   * Stops accepting (open connections are untouched). The Deferred fires once the
   * listening socket is closed and `factory.doStop()` ran; when not listening, it is
   * already fired.
   */
  stopListening(): Deferred<void> {
    const server = this.#server;
    if (server === null) {
      if (this.#stopping !== null) return this.#stopping;
      const done = new Deferred<void>();
      done.callback(undefined);
      return done;
    }
    this.#server = null;
    const done = new Deferred<void>();
    this.#stopping = done;
    server.close();
    if (this.#unregister !== null) this.#unregister();
    this.#unregister = null;
    // close() closes the listening fd synchronously; the close callback of libuv runs in
    // the check phase, so setImmediate fires after the handle is fully gone.
    setImmediate(() => {
      if (this.#binding.cleanup !== undefined) this.#call("cleanup", () => this.#binding.cleanup?.());
      this.#call("doStop", () => this.#factory.doStop());
      this.#stopping = null;
      done.callback(undefined);
    });
    return done;
  }

  /** The bound address; after binding port 0 it reports the real port. */
  getHost(): IAddress {
    if (this.#address === null) throw new Error("the port has never listened");
    return this.#address;
  }

  /** For `reactor.stop()`: stops listening. */
  shutdown(graceSeconds: number): PromiseLike<void> {
    void graceSeconds;
    return this.stopListening().asPromise();
  }

  toString(): string {
    return `<StreamPort ${this.#address === null ? "unbound" : String(this.#address)}>`;
  }

  /** Fast accept (intercept): a libuv handle straight from the listening socket. */
  readonly #onHandle = (handle: AcceptedHandle): void => {
    const transport = this.#newTransport();
    const socket = wrapHandle(handle, { onread: transport.onread, writableHighWaterMark: this.#highWaterMark, noDelay: this.#binding.noDelay });
    this.#start(socket, transport, true);
  };

  /** Node's `'connection'` event: rewrap (fast path) or use the socket as it is. */
  readonly #onConnection = (accepted: net.Socket): void => {
    const transport = this.#newTransport();
    const options = { onread: transport.onread, writableHighWaterMark: this.#highWaterMark, noDelay: this.#binding.noDelay };
    const rewrapped = this.#fast ? rewrapAccepted(accepted, options) : null;
    const socket = rewrapped ?? accepted;
    // pauseOnConnect paused a socket that could not be rewrapped: resume once attached.
    if (this.#start(socket, transport, rewrapped !== null) && rewrapped === null && this.#fast) socket.resume();
  };

  #newTransport(): StreamTransport {
    return new StreamTransport({ host: this.#host, highWaterMark: this.#highWaterMark, resetOnAbort: this.#binding.resetOnAbort });
  }

  /** Builds the protocol and attaches it; closes `socket` if there is none. */
  #start(socket: net.Socket, transport: StreamTransport, fastPath: boolean): boolean {
    const { peer, local } = this.#binding.addresses(socket);
    let protocol: IProtocol | null = null;
    try {
      protocol = this.#factory.buildProtocol(peer);
    } catch (error) {
      this.#host.reportError(error, `Unhandled error in buildProtocol for ${String(peer)}`);
    }
    if (protocol === null) {
      socket.destroy();
      return false;
    }
    transport.attach(socket, protocol, { fastPath, noDelay: this.#binding.noDelay, peer, local });
    return true;
  }

  #lateBindError(server: net.Server, error: Error): void {
    this.#host.reportError(error, `Port ${String(this.#address)} could not listen`);
    if (this.#server === server) void this.stopListening();
  }

  #call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#host.reportError(error, `Unhandled error in ${what} of ${String(this)}`);
    }
  }
}
