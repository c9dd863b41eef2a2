import createDebug from "debug";
import type { Failure } from "@torsion/defer";
import { NotConnectedError, ProtocolLifecycleError } from "./errors.js";
import type { CallbackResult, IProtocol } from "./interfaces/i-protocol.js";
import type { IProtocolFactory } from "./interfaces/i-protocol-factory.js";
import type { ITCPTransport } from "./interfaces/i-tcp-transport.js";
import type { ITransport } from "./interfaces/i-transport.js";

const debug = createDebug("torsion:core:protocol");

/**
 * The common base of stream protocols: the `connected` flag, the `transport`, and
 * `makeConnection`, which sets both and calls `connectionMade`.
 *
 * `T` is the transport type the protocol sees: `ITCPTransport` by default (what TCP and
 * Unix stream transports, and `StringTransport`, provide). Name a narrower one (e.g.
 * `ITCPTransport<IPAddress>` to type `getPeer()`) or a wider one (`ITransport`) as needed.
 */
export class BaseProtocol<T extends ITransport = ITCPTransport> {
  /**
   * True between `makeConnection` and `connectionLost`: set by `makeConnection`, cleared
   * by the transport (through {@link endConnection}) just before it calls `connectionLost`.
   */
  connected = false;
  #transport: T | null = null;

  /**
   * The transport, set by `makeConnection` (and kept after the connection closed).
   *
   * @throws NotConnectedError when read before `makeConnection` (see {@link transportOrNull})
   */
  get transport(): T {
    const transport = this.#transport;
    if (transport === null) {
      throw new NotConnectedError(`${this.constructor.name}.transport was used before makeConnection: the protocol is not connected`);
    }
    return transport;
  }

  /** Sets (or, with `null`, clears) the transport; transports and wrappers use it. */
  set transport(transport: T | null) {
    this.#transport = transport;
  }

  /** The transport, or `null` before `makeConnection`; never throws. */
  get transportOrNull(): T | null {
    return this.#transport;
  }

  /**
   * Attaches `transport` and calls `connectionMade`, returning what it returns (see
   * {@link CallbackResult}). Called once, by the transport; a second call throws
   * {@link ProtocolLifecycleError}, so one protocol instance is never run over two
   * connections.
   */
  makeConnection(transport: T): CallbackResult {
    if (this.#transport !== null) throw new ProtocolLifecycleError(`makeConnection called twice on ${this.constructor.name}`);
    this.connected = true;
    this.#transport = transport;
    return this.connectionMade();
  }

  /** Override: the connection is up. The default does nothing. */
  connectionMade(): CallbackResult {}
}

/**
 * The base class of stream protocols: subclass it and override `connectionMade`,
 * `dataReceived` and `connectionLost`.
 *
 * **Who calls what, when.** The transport calls these methods, and only the transport
 * enforces their order (`makeConnection` once, then `dataReceived` while open, then
 * `connectionLost` exactly once; nothing after it). The methods are plain methods: there
 * is no per-instance wrapper, so an override (a method or a class field) is called
 * directly, and a test may call them in any order it likes. Only `makeConnection` checks
 * its own use: a second call throws {@link ProtocolLifecycleError}.
 *
 * **Async handlers.** Every handler may return a promise or a Deferred (an `async` method
 * is Torsion's `inlineCallbacks`): the transport does not wait for it, but if it fails, the
 * failure is handled exactly like a synchronous throw: reported once through the error
 * reporter, and the connection aborted with the error as the `connectionLost` reason
 * (every other connection is untouched). A failure of `connectionLost`'s own promise is
 * only reported. Any thrown or rejected value is accepted, `Error` or not.
 *
 * **Types.** `F` is the factory type `this.factory` has (say `Protocol<ChatFactory>` to
 * reach a custom factory's members without a cast); `T` the transport type (see
 * {@link BaseProtocol}). Both default to the general interfaces.
 *
 * @example
 * ```ts
 * class Echo extends Protocol {
 *   override dataReceived(data: Buffer) { this.transport.write(data); }
 * }
 * class Lookup extends Protocol<LookupFactory> {
 *   override async dataReceived(data: Buffer) {   // a rejection aborts this connection
 *     this.transport.write(await this.factory.lookUp(data));
 *   }
 * }
 * ```
 */
export class Protocol<F extends IProtocolFactory = IProtocolFactory, T extends ITransport = ITCPTransport>
  extends BaseProtocol<T>
  implements IProtocol
{
  #factory: F | null = null;

  /**
   * The factory that built this protocol (set by `Factory.buildProtocol`).
   *
   * @throws NotConnectedError when no factory set it (see {@link factoryOrNull})
   */
  get factory(): F {
    const factory = this.#factory;
    if (factory === null) throw new NotConnectedError(`${this.constructor.name}.factory is not set: no factory built this protocol`);
    return factory;
  }

  /** Sets (or clears) the factory; `Factory.buildProtocol` uses it. */
  set factory(factory: F | null) {
    this.#factory = factory;
  }

  /** The factory, or `null` when none set it; never throws. */
  get factoryOrNull(): F | null {
    return this.#factory;
  }

  /**
   * Override: bytes arrived, in arbitrary chunks (buffer partial messages yourself). The
   * buffer is the protocol's to keep. The default discards the data.
   */
  dataReceived(data: Buffer): CallbackResult {
    debug("%s discarded %d bytes", this.constructor.name, data.length);
  }

  /**
   * Override: the connection closed; `reason.value` says how (`ConnectionDone` when
   * clean). Called exactly once by the transport. The default does nothing.
   */
  connectionLost(reason: Failure): CallbackResult {}

  /** A short name for log lines. */
  logPrefix(): string {
    return this.constructor.name;
  }
}

/**
 * For transports: ends `protocol`'s connection. Clears `connected` on a
 * {@link BaseProtocol}, then calls `protocol.connectionLost(reason)` and returns what it
 * returns. Every transport (real or fake) ends a connection through this function, once.
 */
export function endConnection(protocol: IProtocol, reason: Failure): CallbackResult {
  if (protocol instanceof BaseProtocol) protocol.connected = false;
  return protocol.connectionLost(reason);
}

/**
 * For transports: watches what a protocol or factory callback returned. `undefined` (the
 * usual case) costs one comparison. A thenable (a promise, a Deferred) that rejects calls
 * `onFailure(reason)` once; so does a thenable whose `then` throws. Fulfilment and any
 * other value are ignored. Never throws.
 */
export function watchResult(result: unknown, onFailure: (reason: unknown) => void): void {
  if (result === undefined || result === null) return;
  if (typeof result !== "object" && typeof result !== "function") return;
  let settled = false;
  const fail = (reason: unknown): void => {
    if (settled) return;
    settled = true;
    try {
      onFailure(reason);
    } catch (error) {
      debug("a result watcher threw: %O", error);
    }
  };
  try {
    const then = (result as { then?: unknown }).then;
    if (typeof then !== "function") return;
    then.call(
      result,
      () => {
        settled = true;
      },
      fail,
    );
  } catch (error) {
    fail(error);
  }
}
