import createDebug from "debug";
import type { IAddress, IProtocol, IProtocolFactory, IReactorTime, ITransport } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { InvalidPolicyOptionError } from "./errors.js";
import { ProtocolWrapper } from "./protocol-wrapper.js";
import { Timeout } from "./timeout.js";
import { WrappingFactory } from "./wrapping-factory.js";

const debug = createDebug("torsion:protocols:timeout-factory");

/** Options of {@link TimeoutFactory}. */
export interface TimeoutFactoryOptions {
  /**
   * Seconds a connection may stay idle (nothing read or written) before it is closed.
   * @default 1800 (Twisted's 30 minutes)
   */
  readonly timeoutPeriod?: number;
}

/**
 * The wrapper {@link TimeoutFactory} puts around each protocol (Twisted's
 * `TimeoutProtocol`): the idle timer starts when the connection is made, restarts on
 * every `dataReceived`, `write` and `writeSequence`, stops when the connection is lost,
 * and on expiry calls {@link timeoutFunc}.
 */
export class TimeoutProtocol extends ProtocolWrapper {
  /** The idle timer. */
  readonly timeout: Timeout;
  readonly #period: number;

  constructor(factory: TimeoutFactory, wrappedProtocol: IProtocol, timeoutPeriod: number) {
    super(factory, wrappedProtocol);
    this.#period = timeoutPeriod;
    this.timeout = new Timeout(factory.clock, () => this.timeoutFunc());
  }

  override makeConnection(transport: ITransport): void {
    this.setTimeout(this.#period);
    super.makeConnection(transport);
  }

  /** Restarts the timer with `period` seconds (`null` cancels it), as Twisted's `setTimeout`. */
  setTimeout(period: number | null): void {
    this.timeout.cancel();
    this.timeout.setTimeout(period);
  }

  /** Cancels the timer. Idempotent. */
  cancelTimeout(): void {
    this.timeout.cancel();
  }

  /** Restarts the countdown of a running timer (activity happened). */
  resetTimeout(): void {
    this.timeout.resetTimeout();
  }

  override dataReceived(data: Buffer): void {
    this.resetTimeout();
    super.dataReceived(data);
  }

  override write(data: Uint8Array): void {
    this.resetTimeout();
    super.write(data);
  }

  override writeSequence(data: Iterable<Uint8Array>): void {
    this.resetTimeout();
    super.writeSequence(data);
  }

  override connectionLost(reason: Failure): void {
    this.cancelTimeout();
    super.connectionLost(reason);
  }

  /** Called once when the connection was idle too long. The default closes it; override for something else. */
  timeoutFunc(): void {
    debug("%s idle for %d s, closing", this.logPrefix(), this.#period);
    this.loseConnection();
  }
}

/**
 * Closes connections that stay idle (Twisted's `TimeoutFactory`), on an injected clock:
 * each protocol of the wrapped factory is wrapped in a {@link TimeoutProtocol}.
 */
export class TimeoutFactory extends WrappingFactory {
  readonly timeoutPeriod: number;
  readonly clock: IReactorTime;

  constructor(wrappedFactory: IProtocolFactory, clock: IReactorTime, options: TimeoutFactoryOptions = {}) {
    super(wrappedFactory);
    this.clock = clock;
    this.timeoutPeriod = options.timeoutPeriod ?? 30 * 60;
    if (!(this.timeoutPeriod >= 0)) throw new InvalidPolicyOptionError(`timeoutPeriod must be >= 0, not ${this.timeoutPeriod}`);
  }

  protected override wrapProtocol(inner: IProtocol, addr: IAddress): ProtocolWrapper {
    return new TimeoutProtocol(this, inner, this.timeoutPeriod);
  }
}
