import net from "node:net";
import createDebug from "debug";
import { Deferred } from "@torsion/defer";
import {
  watchResult,
  type CallbackResult,
  type IAddress,
  type IListeningPort,
  type IProtocol,
  type IProtocolFactory,
  type ITransportHost,
} from "@torsion/core";
import { AcceptFailures, isAcceptError } from "./accept-failures.js";
import { AlreadyListeningError } from "./errors.js";
import {
  descriptorLimit,
  descriptorOf,
  fastAcceptSupported,
  interceptAccept,
  takeHandle,
  wrapHandle,
  type AcceptedHandle,
  type OnRead,
  type RewrapOptions,
} from "./node-internals.js";
import { prepareOnce, withFactoryPrepare, type StreamBinding, type StreamPortBinding } from "./stream-binding.js";
import { DEFAULT_HIGH_WATER_MARK, StreamTransport } from "./stream-transport.js";

export type { SocketAddresses, StreamPortBinding } from "./stream-binding.js";

const debug = createDebug("torsion:stream:stream-port");

/** Tuning shared by ports and connectors. */
export interface StreamTuning {
  /**
   * Use the `onread` fast read path when the runtime supports it (see
   * `node-internals.ts`) and the binding has no `prepare` step; `false` forces plain
   * `'data'` events. @default true
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
 * A listening stream socket (TCP, Unix, or any {@link StreamPortBinding}): accepts
 * connections, builds a protocol for each with the factory once the binding says the
 * socket is ready, and runs it over a {@link StreamTransport}.
 *
 * `factory.doStart()` is called each time listening starts, `factory.doStop()` each time
 * it stops (before the `stopListening` Deferred fires). A `buildProtocol` that returns
 * `null` or throws (reported through the host) closes the accepted socket at once.
 * Failed accepts (`EMFILE`, ...) are reported as `AcceptError`, at most once per second.
 */
export class StreamPort<A extends IAddress = IAddress> implements IListeningPort<A> {
  /** For `reactor.stop()`: ports are stopped before connections are closed. */
  readonly kind = "port" as const;
  readonly #host: ITransportHost;
  readonly #factory: IProtocolFactory;
  readonly #binding: StreamPortBinding<A>;
  /** The binding's `prepare`, then the factory's `prepareStream` (see `withFactoryPrepare`). */
  readonly #preparer: StreamBinding;
  readonly #fast: boolean;
  readonly #fastAccept: boolean;
  readonly #highWaterMark: number;
  readonly #acceptFailures: AcceptFailures;
  /** An accepted descriptor at or above this means the process is out of descriptors. */
  readonly #descriptorCeiling: number | null;
  /** Accepted sockets the binding is still preparing (nothing is built for them yet). */
  readonly #preparing = new Set<net.Socket>();
  #acceptPath: AcceptPath;
  #server: net.Server | null = null;
  #address: A | null = null;
  #unregister: (() => void) | null = null;
  #stopping: Deferred<void> | null = null;

  constructor(host: ITransportHost, factory: IProtocolFactory, binding: StreamPortBinding<A>, tuning: StreamTuning = {}) {
    this.#host = host;
    this.#factory = factory;
    this.#binding = binding;
    this.#preparer = withFactoryPrepare(binding, factory);
    this.#fast = (tuning.fastPath ?? true) && fastAcceptSupported && this.#preparer.prepare === undefined;
    this.#fastAccept = tuning.fastAccept ?? true;
    this.#acceptPath = this.#fast ? "rewrap" : "events";
    this.#highWaterMark = tuning.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.#acceptFailures = new AcceptFailures(host, () => `Port ${String(this.#address)} could not accept a connection`);
    const limit = descriptorLimit();
    // libuv keeps one descriptor in reserve; the accepted socket took the highest other one.
    this.#descriptorCeiling = limit === null ? null : limit - 2;
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
    const options: net.ServerOpts = { pauseOnConnect: this.#fast, noDelay: this.#binding.noDelay, allowHalfOpen: true };
    const server = this.#binding.createServer?.(options, this.#onConnection) ?? net.createServer(options, this.#onConnection);
    server.on("error", this.#onServerError);
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
    this.#acceptFailures.stop();
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
  getHost(): A {
    if (this.#address === null) throw new Error("the port has never listened");
    return this.#address;
  }

  /** For `reactor.stop()`: stops listening, and drops the sockets still being prepared. */
  shutdown(graceSeconds: number): PromiseLike<void> {
    for (const socket of this.#preparing) socket.destroy();
    this.#preparing.clear();
    return this.stopListening().asPromise();
  }

  toString(): string {
    return `<StreamPort ${this.#address === null ? "unbound" : String(this.#address)}>`;
  }

  /** Fast accept (intercept): a libuv handle straight from the listening socket. */
  readonly #onHandle = (handle: AcceptedHandle): void => {
    this.#accept((onread) => wrapHandle(handle, this.#wrapOptions(onread)));
  };

  /** Node's `'connection'` event: rewrap (fast path), prepare, or use the socket as it is. */
  readonly #onConnection = (accepted: net.Socket): void => {
    const handle = this.#fast ? takeHandle(accepted) : null;
    if (handle !== null) {
      this.#accept((onread) => wrapHandle(handle, this.#wrapOptions(onread)));
    } else if (this.#preparer.prepare === undefined) {
      // (A socket pauseOnConnect paused is resumed by the transport's attach.)
      this.#accept(accepted);
    } else {
      this.#prepare(accepted);
    }
  };

  #wrapOptions(onread: OnRead): RewrapOptions {
    return { onread, writableHighWaterMark: this.#highWaterMark, noDelay: this.#binding.noDelay };
  }

  /** Lets the binding prepare `accepted`; the protocol is built once it is ready. */
  #prepare(accepted: net.Socket): void {
    this.#preparing.add(accepted);
    accepted.once("close", () => this.#preparing.delete(accepted));
    accepted.on("error", (error) => debug("accepted socket error: %s", error.message));
    prepareOnce(
      this.#preparer,
      accepted,
      (stream) => {
        this.#preparing.delete(accepted);
        this.#accept(stream);
      },
      (error) => {
        this.#preparing.delete(accepted);
        debug("an accepted connection failed before it was ready: %O", error);
        accepted.destroy();
      },
    );
  }

  /** Builds the protocol and runs it over a new transport; closes the socket if there is none. */
  #accept(socket: net.Socket | ((onread: OnRead) => net.Socket)): void {
    const transport = new StreamTransport({
      host: this.#host,
      socket,
      highWaterMark: this.#highWaterMark,
      resetOnAbort: this.#binding.resetOnAbort,
    });
    if (this.#descriptorCeiling !== null) this.#checkDescriptors(transport.socket, this.#descriptorCeiling);
    const { peer, local } = this.#binding.addresses(transport.socket);
    let protocol: IProtocol | null = null;
    try {
      protocol = this.#factory.buildProtocol(peer);
    } catch (error) {
      this.#host.reportError(error, `Unhandled error in buildProtocol for ${String(peer)}`);
    }
    if (protocol === null) {
      transport.socket.destroy();
      return;
    }
    // The addresses go in as they are: debug formats them (toString) only when enabled.
    debug("accepted a connection from %s on %s", peer, local);
    transport.attach(protocol, { noDelay: this.#binding.noDelay, peer, local });
  }

  /**
   * An accepted socket that took the last free descriptor: libuv will now accept and close
   * the next connections without telling anyone (see `node-internals.ts`); say so.
   */
  #checkDescriptors(socket: net.Socket, ceiling: number): void {
    const fd = descriptorOf(socket);
    if (fd === null || fd < ceiling) return;
    const cause = Object.assign(
      new Error(`descriptor ${fd} is the last one below the limit of ${ceiling + 2}: further connections are refused`),
      { code: "EMFILE" },
    );
    this.#acceptFailures.record(cause);
  }

  readonly #onServerError = (error: Error): void => {
    if (isAcceptError(error)) this.#acceptFailures.record(error);
    else debug("server error: %s", error.message);
  };

  #lateBindError(server: net.Server, error: Error): void {
    this.#host.reportError(error, `Port ${String(this.#address)} could not listen`);
    if (this.#server === server) void this.stopListening();
  }

  #call(what: string, fn: () => CallbackResult): void {
    const context = `Unhandled error in ${what} of ${String(this)}`;
    try {
      watchResult(fn(), (error) => this.#host.reportError(error, context));
    } catch (error) {
      this.#host.reportError(error, context);
    }
  }
}
