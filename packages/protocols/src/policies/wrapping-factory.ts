import createDebug from "debug";
import { ClientFactory } from "@torsion/core";
import type { IAddress, IClientFactory, IConnector, IProtocol, IProtocolFactory } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { ProtocolWrapper } from "./protocol-wrapper.js";
import type { IWrapperRegistry } from "./protocol-wrapper.js";

const debug = createDebug("torsion:protocols:wrapping-factory");

/**
 * Wraps another factory and each protocol it builds (Twisted's `WrappingFactory`): the
 * base of the policies (throttling, per-peer limits, traffic logging).
 *
 * - `buildProtocol(addr)` asks the wrapped factory for a protocol and wraps it with
 *   {@link wrapProtocol} (a {@link ProtocolWrapper} by default). When the wrapped factory
 *   refuses (`null`), so does this one.
 * - Live wrappers are tracked in {@link protocols}: added when their connection is made,
 *   removed when it is lost.
 * - `doStart`/`doStop` are forwarded to the wrapped factory (before this factory's own
 *   counting), and so are the client hooks `startedConnecting`, `clientConnectionFailed`
 *   and `clientConnectionLost` when the wrapped factory has them. Usable for servers and
 *   clients alike.
 */
export class WrappingFactory extends ClientFactory<ProtocolWrapper> implements IWrapperRegistry {
  /** The factory whose protocols are wrapped. */
  readonly wrappedFactory: IProtocolFactory;
  /** The wrappers whose connection is up, in connection order. */
  readonly protocols = new Set<ProtocolWrapper>();

  constructor(wrappedFactory: IProtocolFactory) {
    super();
    this.wrappedFactory = wrappedFactory;
  }

  /** `"Wrapped (Wrapper)"`, as Twisted's wrapped log prefix. */
  logPrefix(): string {
    const inner = this.wrappedFactory as { logPrefix?: () => string };
    const innerPrefix = typeof inner.logPrefix === "function" ? inner.logPrefix() : this.wrappedFactory.constructor.name;
    return `${innerPrefix} (${this.constructor.name})`;
  }

  override doStart(): void {
    this.wrappedFactory.doStart();
    super.doStart();
  }

  override doStop(): void {
    this.wrappedFactory.doStop();
    super.doStop();
  }

  override startedConnecting(connector: IConnector): void {
    (this.wrappedFactory as IClientFactory).startedConnecting?.(connector);
  }

  override clientConnectionFailed(connector: IConnector, reason: Failure): void {
    (this.wrappedFactory as IClientFactory).clientConnectionFailed?.(connector, reason);
  }

  override clientConnectionLost(connector: IConnector, reason: Failure): void {
    (this.wrappedFactory as IClientFactory).clientConnectionLost?.(connector, reason);
  }

  /** Builds the wrapped factory's protocol for `addr` and wraps it; `null` if it refused. */
  override buildProtocol(addr: IAddress): ProtocolWrapper | null {
    const inner = this.wrappedFactory.buildProtocol(addr);
    if (inner === null) {
      debug("%s: wrapped factory refused %s", this.logPrefix(), String(addr));
      return null;
    }
    return this.wrapProtocol(inner, addr);
  }

  /** Override to wrap with a subclass of {@link ProtocolWrapper}. Called once per accepted connection. */
  protected wrapProtocol(inner: IProtocol, addr: IAddress): ProtocolWrapper {
    return new ProtocolWrapper(this, inner);
  }

  /** Called by a wrapper when its connection is made. */
  registerProtocol(wrapper: ProtocolWrapper): void {
    this.protocols.add(wrapper);
  }

  /** Called by a wrapper when its connection is lost. */
  unregisterProtocol(wrapper: ProtocolWrapper): void {
    this.protocols.delete(wrapper);
  }
}
