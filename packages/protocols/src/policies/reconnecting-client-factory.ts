import createDebug from "debug";
import { ClientFactory, NotConnectingError } from "@torsion/core";
import type { IConnector, IDelayedCall, IProtocol, IReactorTime } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { NoClockError, NoConnectorError } from "./errors.js";
import { normalVariate } from "./seeded-random.js";
import type { RandomSource } from "./seeded-random.js";

const debug = createDebug("torsion:protocols:reconnecting-client-factory");

/** Options of {@link ReconnectingClientFactory}; each sets the property of the same name. */
export interface ReconnectingClientFactoryOptions {
  /**
   * Schedules the retries: the reactor, or a test `Clock`. Required (library code has no
   * global reactor to fall back on); a missing clock throws `NoClockError` at construction,
   * so a client can never fail to reconnect silently.
   */
  readonly clock: IReactorTime;
  /** Uniform `[0, 1)` source for the jitter. @default Math.random */
  readonly random?: RandomSource;
  /** @default 1.0 */
  readonly initialDelay?: number;
  /** @default Math.E (2.7182818284590451) */
  readonly factor?: number;
  /** @default 3600 */
  readonly maxDelay?: number;
  /** @default 0.119626565582 */
  readonly jitter?: number;
  /** @default null (unlimited) */
  readonly maxRetries?: number | null;
}

/**
 * A client factory that reconnects with exponential back-off (Twisted's
 * `ReconnectingClientFactory`, same parameters and arithmetic).
 *
 * Both `clientConnectionFailed` and `clientConnectionLost` remember the connector and call
 * {@link retry} while {@link continueTrying} is set. Each retry multiplies {@link delay} by
 * {@link factor} (capped at {@link maxDelay}), adds Gaussian jitter, and schedules
 * `connector.connect()` on {@link clock}. As in Twisted, `delay` starts at 1.0 whatever
 * {@link initialDelay} is (so the first retry waits about 2.72 s); call {@link resetDelay}
 * once a connection succeeds (typically from the protocol's `connectionMade`) to go back to
 * `initialDelay`. {@link stopTrying} ends the reconnecting.
 *
 * Subclasses overriding `clientConnectionFailed`/`clientConnectionLost` call `super` to
 * keep reconnecting.
 */
export class ReconnectingClientFactory<P extends IProtocol = IProtocol> extends ClientFactory<P> {
  /** Upper bound of {@link delay}, in seconds (before jitter). */
  maxDelay = 3600;
  /** The delay {@link resetDelay} returns to. */
  initialDelay = 1.0;
  /** The multiplier of each retry; Twisted's value, e. */
  factor = 2.7182818284590451;
  /** Standard deviation of the jitter, as a fraction of the delay; 0 disables it. */
  jitter = 0.119626565582;
  /** Retries allowed since the last {@link resetDelay}, or `null` for unlimited. */
  maxRetries: number | null = null;
  /** The last delay used, in seconds; 1.0 until the first retry. */
  delay = 1.0;
  /** Retries since the last {@link resetDelay}. */
  retries = 0;
  /** Whether failures and losses are retried; cleared by {@link stopTrying}. */
  continueTrying = true;
  /** The connector remembered from the last failure or loss. */
  connector: IConnector | null = null;
  /** The clock retries are scheduled on (may be replaced, e.g. by a test clock). */
  clock: IReactorTime;
  /** Uniform `[0, 1)` source for the jitter. */
  random: RandomSource;
  #callID: IDelayedCall | null = null;

  /**
   * @throws NoClockError when `options.clock` is missing (for JavaScript callers; the type
   *   requires it)
   */
  constructor(options: ReconnectingClientFactoryOptions) {
    super();
    // JavaScript callers may pass anything (or nothing): check what is there, not what the type says.
    const clock: unknown = (options as { readonly clock?: unknown } | null | undefined)?.clock;
    if (!isReactorTime(clock)) {
      throw new NoClockError(`${new.target.name} needs a clock to schedule retries: pass { clock: reactor } (or a test Clock)`);
    }
    this.clock = clock;
    this.random = options.random ?? Math.random;
    if (options.initialDelay !== undefined) this.initialDelay = options.initialDelay;
    if (options.factor !== undefined) this.factor = options.factor;
    if (options.maxDelay !== undefined) this.maxDelay = options.maxDelay;
    if (options.jitter !== undefined) this.jitter = options.jitter;
    if (options.maxRetries !== undefined) this.maxRetries = options.maxRetries;
  }

  /** Whether a retry is scheduled and not yet run, cancelled or forgotten. */
  get retryPending(): boolean {
    return this.#callID !== null;
  }

  /** Remembers the connector and retries (while {@link continueTrying}). */
  override clientConnectionFailed(connector: IConnector, reason: Failure): void {
    if (!this.continueTrying) return;
    debug("connection failed (%s); retrying", reason.getErrorMessage());
    this.connector = connector;
    this.retry();
  }

  /** Remembers the connector and retries (while {@link continueTrying}). */
  override clientConnectionLost(connector: IConnector, reason: Failure): void {
    if (!this.continueTrying) return;
    debug("connection lost (%s); retrying", reason.getErrorMessage());
    this.connector = connector;
    this.retry();
  }

  /**
   * Schedules `connector.connect()` after the next back-off delay. Does nothing when
   * {@link continueTrying} is false, and schedules nothing (counting the retry, leaving the
   * delay) once {@link maxRetries} is exceeded. Each call schedules its own attempt: two
   * calls without the clock moving make two attempts.
   *
   * @param connector - defaults to the remembered {@link ReconnectingClientFactory.connector | connector}
   * @throws NoConnectorError when no connector is given or remembered
   */
  retry(connector?: IConnector): void {
    if (!this.continueTrying) {
      debug("abandoning retry: continueTrying is off");
      return;
    }
    const target = connector ?? this.connector;
    if (target === null) throw new NoConnectorError();
    const clock = this.clock;
    this.retries++;
    if (this.maxRetries !== null && this.retries > this.maxRetries) {
      debug("abandoning after %d retries", this.retries);
      return;
    }
    this.delay = Math.min(this.delay * this.factor, this.maxDelay);
    if (this.jitter) this.delay = normalVariate(this.delay, this.delay * this.jitter, this.random);
    debug("will retry in %d seconds", this.delay);
    this.#callID = clock.callLater(this.delay, () => {
      this.#callID = null;
      target.connect();
    });
  }

  /**
   * Cancels the scheduled retry, stops retrying and stops a connection attempt in
   * progress (`connector.stopConnecting()`, ignoring `NotConnectingError`).
   */
  stopTrying(): void {
    if (this.#callID !== null) {
      if (this.#callID.active()) this.#callID.cancel();
      this.#callID = null;
    }
    this.continueTrying = false;
    if (this.connector !== null) {
      try {
        this.connector.stopConnecting();
      } catch (error) {
        if (!(error instanceof NotConnectingError)) throw error;
      }
    }
  }

  /**
   * Back to the start: {@link delay} = {@link initialDelay}, {@link retries} = 0,
   * {@link continueTrying} on. A scheduled retry is forgotten, **not** cancelled (it still
   * runs; {@link stopTrying} can no longer cancel it), as in Twisted.
   */
  resetDelay(): void {
    this.delay = this.initialDelay;
    this.retries = 0;
    this.#callID = null;
    this.continueTrying = true;
  }
}

/** Whether `value` can schedule calls (has a `callLater` method): the check for a clock passed from JavaScript. */
function isReactorTime(value: unknown): value is IReactorTime {
  return typeof value === "object" && value !== null && typeof (value as { callLater?: unknown }).callLater === "function";
}
