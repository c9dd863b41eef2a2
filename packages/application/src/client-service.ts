import type { IDelayedCall, IProtocol, IProtocolFactory, IReactorTime } from "@torsion/core";
import { CancelledError, Deferred, Failure, maybeDeferred, succeed } from "@torsion/defer";
import createDebug from "debug";
import { backoffPolicy, type RetryPolicy } from "./backoff-policy.js";
import type { ConnectingEndpoint } from "./endpoint-types.js";
import { ReconnectingFactory } from "./reconnecting-proxy.js";
import { Service } from "./service.js";

const debug = createDebug("torsion:application:client-service");

/** Options of {@link ClientService}. */
export interface ClientServiceOptions<P extends IProtocol> {
  /** The clock retries are scheduled on (usually the reactor). */
  readonly clock: IReactorTime;
  /** Seconds to wait after N consecutive failures. @default backoffPolicy() */
  readonly retryPolicy?: RetryPolicy;
  /**
   * Runs on each new connection before anyone waiting in `whenConnected` gets it; if it
   * throws or its Deferred/promise fails, the connection is dropped and counted as a failure.
   */
  readonly prepareConnection?: (protocol: P) => unknown;
}

/** Options of {@link ClientService.whenConnected}. */
export interface WhenConnectedOptions {
  /** Fail with the last connection failure after this many consecutive failures. @default never */
  readonly failAfterFailures?: number;
}

type State =
  | { readonly kind: "init" }
  | { readonly kind: "connecting"; readonly attempt: Deferred<IProtocol> }
  | { readonly kind: "preparing"; readonly protocol: IProtocol }
  | { readonly kind: "connected"; readonly protocol: IProtocol }
  | { readonly kind: "waiting"; readonly retry: IDelayedCall }
  | { readonly kind: "disconnecting"; readonly done: Deferred<null>; restart: boolean }
  | { readonly kind: "stopped" };

interface Waiter {
  readonly deferred: Deferred<IProtocol>;
  readonly failAfter: number | undefined;
}

/**
 * Keeps one connection to `endpoint` alive while running (Twisted's `ClientService`):
 * connects at start, and after a failed attempt or a lost connection waits
 * `retryPolicy(failures)` seconds (`failures` counts consecutive failures from 1, reset by a
 * successful connection; a lost connection counts as 1) and tries again.
 *
 * `whenConnected()` gives the current connection's protocol (the factory's own protocol,
 * not a wrapper) or waits for the next one. `stopService()` cancels an attempt or a retry,
 * or closes the connection, and fires once it is closed; waiters then fail with
 * `CancelledError`. Everything is timed on `options.clock`.
 */
export class ClientService<P extends IProtocol = IProtocol> extends Service {
  readonly #endpoint: ConnectingEndpoint;
  readonly #factory: ReconnectingFactory;
  readonly #clock: IReactorTime;
  readonly #policy: RetryPolicy;
  readonly #prepare: ((protocol: P) => unknown) | undefined;
  #state: State = { kind: "init" };
  #failures = 0;
  #lastFailure: Failure | null = null;
  #waiters: Waiter[] = [];

  constructor(endpoint: ConnectingEndpoint, factory: IProtocolFactory, options: ClientServiceOptions<P>) {
    super();
    this.#endpoint = endpoint;
    this.#factory = new ReconnectingFactory(factory, (protocol, reason) => this.#lost(protocol, reason));
    this.#clock = options.clock;
    this.#policy = options.retryPolicy ?? backoffPolicy();
    this.#prepare = options.prepareConnection;
  }

  /** The state's name, for diagnostics: `init`, `connecting`, `preparing`, `connected`, `waiting`, `disconnecting` or `stopped`. */
  get state(): State["kind"] {
    return this.#state.kind;
  }

  override startService(): void {
    if (this.running) return;
    super.startService();
    const state = this.#state;
    if (state.kind === "disconnecting") state.restart = true;
    else this.#connect();
  }

  override stopService(): Deferred<null> {
    const state = this.#state;
    super.stopService();
    switch (state.kind) {
      case "disconnecting":
        state.restart = false;
        return state.done;
      case "connecting":
        this.#state = { kind: "stopped" };
        state.attempt.cancel();
        break;
      case "waiting":
        state.retry.cancel();
        this.#state = { kind: "stopped" };
        break;
      case "preparing":
      case "connected": {
        const done = new Deferred<null>();
        this.#state = { kind: "disconnecting", done, restart: false };
        this.#factory.transportOf(state.protocol)?.loseConnection();
        this.#failWaiters(new Failure(new CancelledError("the ClientService was stopped")));
        return done;
      }
      default:
        this.#state = { kind: "stopped" };
    }
    this.#failWaiters(new Failure(new CancelledError("the ClientService was stopped")));
    return succeed(null);
  }

  /**
   * The connected protocol, now or as soon as there is one. Fails with `CancelledError`
   * when the service stops (at once if it has stopped), and with the last connection
   * failure after `failAfterFailures` consecutive failures.
   */
  whenConnected(options: WhenConnectedOptions = {}): Deferred<P> {
    const state = this.#state;
    if (state.kind === "connected") return succeed(state.protocol as P);
    if (state.kind === "stopped") return failed<P>(new Failure(new CancelledError("the ClientService is stopped")));
    const failAfter = options.failAfterFailures;
    if (failAfter !== undefined && this.#lastFailure !== null && this.#failures >= failAfter) {
      return failed<P>(this.#lastFailure);
    }
    const deferred = new Deferred<IProtocol>(() => {
      this.#waiters = this.#waiters.filter((waiter) => waiter.deferred !== deferred);
    });
    this.#waiters.push({ deferred, failAfter });
    return deferred as Deferred<P>;
  }

  #connect(): void {
    const attempt = this.#endpoint.connect(this.#factory);
    this.#state = { kind: "connecting", attempt };
    attempt.addCallbacks(
      (proxy) => {
        this.#connected(this.#factory.unwrap(proxy));
        return null;
      },
      (failure) => {
        if (this.#state.kind === "connecting" && this.#state.attempt === attempt) this.#failed(failure);
        return null;
      },
    );
  }

  #connected(protocol: IProtocol): void {
    if (this.#state.kind !== "connecting") {
      this.#factory.transportOf(protocol)?.loseConnection();
      return;
    }
    if (this.#prepare === undefined) {
      this.#ready(protocol);
      return;
    }
    this.#state = { kind: "preparing", protocol };
    maybeDeferred(() => this.#prepare?.(protocol as P)).addCallbacks(
      () => {
        if (this.#state.kind === "preparing" && this.#state.protocol === protocol) this.#ready(protocol);
        return null;
      },
      (failure) => {
        debug("prepareConnection failed: %O", failure.value);
        if (this.#state.kind === "preparing" && this.#state.protocol === protocol) {
          this.#lastFailure = failure;
          this.#factory.transportOf(protocol)?.loseConnection();
        }
        return null;
      },
    );
  }

  #ready(protocol: IProtocol): void {
    this.#state = { kind: "connected", protocol };
    this.#failures = 0;
    this.#lastFailure = null;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.deferred.callback(protocol);
  }

  #failed(failure: Failure): void {
    this.#failures++;
    this.#lastFailure = failure;
    debug("connection attempt %d failed: %s", this.#failures, failure.getErrorMessage());
    const due = this.#waiters.filter((waiter) => waiter.failAfter !== undefined && this.#failures >= waiter.failAfter);
    this.#waiters = this.#waiters.filter((waiter) => !due.includes(waiter));
    for (const waiter of due) waiter.deferred.errback(failure);
    this.#wait();
  }

  #wait(): void {
    const delay = this.#policy(Math.max(1, this.#failures));
    this.#state = { kind: "waiting", retry: this.#clock.callLater(delay, () => this.#connect()) };
  }

  #lost(protocol: IProtocol, reason: Failure): void {
    const state = this.#state;
    const inner = this.#factory.unwrap(protocol);
    if (state.kind === "disconnecting") {
      this.#state = { kind: "stopped" };
      state.done.callback(null);
      if (state.restart) this.#connect();
      return;
    }
    if (state.kind === "preparing" && state.protocol === inner) {
      this.#failed(this.#lastFailure ?? reason);
      return;
    }
    if (state.kind !== "connected" || state.protocol !== inner) return;
    debug("connection lost: %s", reason.getErrorMessage());
    this.#failures = 1;
    this.#wait();
  }

  #failWaiters(failure: Failure): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.deferred.errback(failure);
  }
}

function failed<P>(failure: Failure): Deferred<P> {
  const deferred = new Deferred<P>();
  deferred.errback(failure);
  return deferred;
}
