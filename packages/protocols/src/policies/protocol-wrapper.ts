import createDebug from "debug";
import { Protocol, ProtocolLifecycleError, endConnection, isHalfCloseable, type CallbackResult } from "@torsion/core";
import type { IAddress, IProducer, IProtocol, IProtocolFactory, ITCPTransport, ITransport } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { UnsupportedTransportMethodError } from "./errors.js";

const debug = createDebug("torsion:protocols:protocol-wrapper");

/**
 * What a {@link ProtocolWrapper} reports to: the factory that built it (a
 * `WrappingFactory` or `LimitTotalConnectionsFactory`).
 */
export interface IWrapperRegistry {
  /** Called once per wrapper, from its `makeConnection`, before the inner protocol's. */
  registerProtocol(wrapper: ProtocolWrapper): void;
  /** Called once per wrapper, from its `connectionLost`, before the inner protocol's. */
  unregisterProtocol(wrapper: ProtocolWrapper): void;
}

type TransportMethod =
  "loseWriteConnection" | "abortConnection" | "getTcpNoDelay" | "setTcpNoDelay" | "getTcpKeepAlive" | "setTcpKeepAlive";

/**
 * Sits between a transport and a protocol (Twisted's `ProtocolWrapper`): it is the
 * protocol the transport drives, and the transport the wrapped protocol sees.
 *
 * - Transport calls made by the inner protocol (`write`, `writeSequence`,
 *   `loseConnection`, `abortConnection`, `loseWriteConnection`, `getPeer`, `getHost`,
 *   producer registration, `pauseProducing`/`resumeProducing`/`stopProducing` and the TCP
 *   options) are forwarded to the real transport. A TCP-only method that the real
 *   transport lacks throws {@link UnsupportedTransportMethodError}; any transport method
 *   called before `makeConnection` throws `ProtocolLifecycleError`.
 * - `makeConnection` registers the wrapper with its registry, then connects the inner
 *   protocol to the wrapper. `dataReceived` is forwarded inward; `connectionLost`
 *   unregisters, then forwards. If the inner protocol handles half-close, so does the
 *   wrapper (both half-close notifications are forwarded).
 *
 * After `connectionLost`, transport calls still go to the closed real transport, which
 * ignores writes (as every transport does after close).
 *
 * Subclasses override the forwarding methods to observe or limit traffic, calling `super`.
 */
export class ProtocolWrapper extends Protocol<IProtocolFactory, ITransport> implements ITCPTransport {
  /** The protocol this wrapper drives. */
  readonly wrappedProtocol: IProtocol;
  /** The factory that built the wrapper and tracks it. */
  readonly registry: IWrapperRegistry;
  #disconnecting = false;

  constructor(registry: IWrapperRegistry, wrappedProtocol: IProtocol) {
    super();
    this.registry = registry;
    this.wrappedProtocol = wrappedProtocol;
    if (isHalfCloseable(wrappedProtocol)) {
      const self = this as unknown as { readConnectionLost(): CallbackResult; writeConnectionLost(): CallbackResult };
      self.readConnectionLost = () => wrappedProtocol.readConnectionLost();
      self.writeConnectionLost = () => wrappedProtocol.writeConnectionLost();
    }
  }

  /** Whether `loseConnection`/`abortConnection` was called through the wrapper (or the real transport is disconnecting). */
  get disconnecting(): boolean {
    return this.#disconnecting || this.transportOrNull?.disconnecting === true;
  }

  override makeConnection(transport: ITransport): CallbackResult {
    super.makeConnection(transport);
    this.registry.registerProtocol(this);
    debug("%s connected", this.logPrefix());
    return this.wrappedProtocol.makeConnection(this);
  }

  override dataReceived(data: Buffer): CallbackResult {
    return this.wrappedProtocol.dataReceived(data);
  }

  override connectionLost(reason: Failure): CallbackResult {
    this.registry.unregisterProtocol(this);
    return endConnection(this.wrappedProtocol, reason);
  }

  /** `"Inner (Wrapper)"`, as Twisted's wrapped log prefix. */
  override logPrefix(): string {
    const inner = this.wrappedProtocol as { logPrefix?: () => string };
    const innerPrefix = typeof inner.logPrefix === "function" ? inner.logPrefix() : this.wrappedProtocol.constructor.name;
    return `${innerPrefix} (${this.constructor.name})`;
  }

  write(data: Uint8Array): void {
    this.#real().write(data);
  }

  writeSequence(data: Iterable<Uint8Array>): void {
    this.#real().writeSequence(data);
  }

  loseConnection(): void {
    this.#disconnecting = true;
    this.#real().loseConnection();
  }

  abortConnection(): void {
    this.#disconnecting = true;
    this.#tcp("abortConnection").abortConnection();
  }

  loseWriteConnection(): void {
    this.#tcp("loseWriteConnection").loseWriteConnection();
  }

  getPeer(): IAddress {
    return this.#real().getPeer();
  }

  getHost(): IAddress {
    return this.#real().getHost();
  }

  registerProducer(producer: IProducer, streaming: boolean): void {
    this.#real().registerProducer(producer, streaming);
  }

  unregisterProducer(): void {
    this.#real().unregisterProducer();
  }

  pauseProducing(): void {
    this.#real().pauseProducing();
  }

  resumeProducing(): void {
    this.#real().resumeProducing();
  }

  stopProducing(): void {
    this.#real().stopProducing();
  }

  getTcpNoDelay(): boolean {
    return this.#tcp("getTcpNoDelay").getTcpNoDelay();
  }

  setTcpNoDelay(enabled: boolean): void {
    this.#tcp("setTcpNoDelay").setTcpNoDelay(enabled);
  }

  getTcpKeepAlive(): boolean {
    return this.#tcp("getTcpKeepAlive").getTcpKeepAlive();
  }

  setTcpKeepAlive(enabled: boolean): void {
    this.#tcp("setTcpKeepAlive").setTcpKeepAlive(enabled);
  }

  #real(): ITransport {
    const transport = this.transportOrNull;
    if (transport === null) {
      throw new ProtocolLifecycleError(`${this.constructor.name} used as a transport before makeConnection`);
    }
    return transport;
  }

  #tcp<M extends TransportMethod>(method: M): Pick<ITCPTransport, M> {
    const real = this.#real() as Partial<ITCPTransport>;
    if (typeof real[method] !== "function") {
      throw new UnsupportedTransportMethodError(`the transport under ${this.constructor.name} has no ${method}()`);
    }
    return real as Pick<ITCPTransport, M>;
  }
}
