/**
 * The seam between the generic stream machinery (`StreamPort`, `StreamConnector`,
 * `StreamTransport`) and one kind of stream: a binding says what differs (how the
 * listening server or the client socket is made, its addresses, TCP_NODELAY and reset,
 * and, optionally, when a connected socket is ready to carry protocol data, such as
 * after a TLS handshake). `@torsion/tcp` and `@torsion/unix` are bindings; a new
 * transport is a new binding plus its `listenX`/`connectX` functions, which call
 * {@link listenStream}/{@link connectStream} with any `ITransportHost` (the reactor).
 */
import type net from "node:net";
import type { IAddress } from "@torsion/core";
import type { OnRead } from "./node-internals.js";

/** The addresses of one accepted or connected socket. */
export interface SocketAddresses {
  readonly peer: IAddress;
  readonly local: IAddress;
}

/** What `prepare` reports back, once: the stream is ready, or it failed. */
export interface PrepareOutcome {
  /** The stream can carry protocol data: `stream` (the socket, or one wrapping it) is used. */
  ready(stream: net.Socket): void;
  /** Preparing failed (any value): the socket is closed; a client attempt fails with it. */
  fail(error: unknown): void;
}

/** What ports and connectors of one binding share. */
export interface StreamBinding {
  /** Whether sockets get TCP_NODELAY. */
  readonly noDelay: boolean;
  /** Whether `abortConnection` sends a TCP reset. */
  readonly resetOnAbort: boolean;
  /**
   * Optional: makes a freshly connected socket (client: after `'connect'`; server: as
   * accepted) ready for the protocol, and says when it is, through `outcome` (once). This
   * is the binding's "connected" event: a TLS binding wraps the socket and calls
   * `outcome.ready(tlsSocket)` on `'secureConnect'`; a binding may read from the socket
   * first (a greeting). Until then nothing user-visible happens: no protocol is built,
   * and a client attempt is still connecting (its timeout still runs). A binding with
   * `prepare` gets sockets that read with `'data'` events (no `onread` fast path), so
   * the bytes it leaves unread (`socket.unshift`) reach the protocol. Without `prepare`,
   * a socket is ready as soon as it is connected.
   */
  prepare?(socket: net.Socket, outcome: PrepareOutcome): void;
}

/** What differs between listening ports (TCP, Unix, ...); `A` is the address type it binds. */
export interface StreamPortBinding<A extends IAddress = IAddress> extends StreamBinding {
  /**
   * Optional: creates the listening server (not yet listening), calling `onConnection`
   * for each accepted socket. @default `net.createServer(options, onConnection)`
   */
  createServer?(options: net.ServerOpts, onConnection: (socket: net.Socket) => void): net.Server;
  /**
   * Binds and listens `server`. Throws `CannotListenError` synchronously when it can
   * tell; an error it cannot tell at once is passed to `onLateError` (fallback path).
   */
  bind(server: net.Server, onLateError: (error: Error) => void): void;
  /** The bound address (after `bind`). */
  localAddress(server: net.Server): A;
  /** The addresses of an accepted (ready) socket. */
  addresses(socket: net.Socket): SocketAddresses;
  /** Called once the listening socket is closed (e.g. to remove a socket file). */
  cleanup?(): void;
}

/** What differs between connectors (TCP, Unix, ...). */
export interface StreamConnectorTarget extends StreamBinding {
  /** Where the connector connects to. */
  readonly destination: IAddress;
  /**
   * Starts one attempt and returns the connecting socket; `onread` is given for the fast
   * read path (never to a binding with `prepare`). May throw (the attempt then fails).
   */
  open(onread: OnRead | undefined, writableHighWaterMark: number): net.Socket;
  /** The addresses of the connected (ready) socket. */
  addresses(socket: net.Socket): SocketAddresses;
}

/**
 * A protocol factory may prepare the sockets of its connections itself, after the
 * binding's own `prepare` (e.g. a TLS factory wrapping each socket in a `TLSSocket`, over
 * any binding): same contract as `StreamBinding.prepare`.
 */
export interface IStreamPreparingFactory {
  prepareStream(socket: net.Socket, outcome: PrepareOutcome): void;
}

/**
 * `binding` with the factory's `prepareStream` (if it declares one) run after the
 * binding's `prepare`; `binding` itself when the factory declares none.
 */
export function withFactoryPrepare(binding: StreamBinding, factory: object): StreamBinding {
  const prepareStream = (factory as Partial<IStreamPreparingFactory>).prepareStream;
  if (typeof prepareStream !== "function") return binding;
  const second = (socket: net.Socket, outcome: PrepareOutcome): void => prepareStream.call(factory, socket, outcome);
  const first = binding.prepare?.bind(binding);
  const prepare =
    first === undefined
      ? second
      : (socket: net.Socket, outcome: PrepareOutcome): void =>
          first(socket, { ready: (stream) => second(stream, outcome), fail: (error) => outcome.fail(error) });
  return { noDelay: binding.noDelay, resetOnAbort: binding.resetOnAbort, prepare };
}

/** Calls `binding.prepare` with an outcome that takes only its first answer. */
export function prepareOnce(
  binding: StreamBinding,
  socket: net.Socket,
  ready: (stream: net.Socket) => void,
  fail: (error: unknown) => void,
): void {
  let answered = false;
  const outcome: PrepareOutcome = {
    ready: (stream) => {
      if (answered) return;
      answered = true;
      ready(stream);
    },
    fail: (error) => {
      if (answered) return;
      answered = true;
      fail(error);
    },
  };
  try {
    if (binding.prepare === undefined) outcome.ready(socket);
    else binding.prepare(socket, outcome);
  } catch (error) {
    outcome.fail(error);
  }
}
