import { domainToASCII } from "node:url";
import createDebug from "debug";
import { Deferred, fail, type Failure } from "@torsion/defer";
import {
  ConnectingCancelledError,
  InvalidAddressError,
  type IDelayedCall,
  type IProtocol,
  type IProtocolFactoryOf,
  type IReactorTCP,
  type IReactorTime,
  type IStreamClientEndpoint,
} from "@torsion/core";
import { defaultResolver, isIPv4Literal, isIPv6Literal, resolve, type HostnameResolver, type ResolvedAddress } from "./resolver.js";
import { TCP4ClientEndpoint, TCP6ClientEndpoint, type BindAddress } from "./tcp-endpoints.js";

const debug = createDebug("torsion:endpoints:hostname");

/**
 * How {@link HostnameEndpoint} orders and paces its attempts.
 *
 * - `"twisted"` (default), as Twisted 22.4: addresses in resolver order; one new attempt
 *   at once, then one every `attemptDelay` seconds; a failed attempt does not start the
 *   next one early, and when every attempt has failed the endpoint fails at the next tick.
 * - `"rfc8305"`: RFC 8305 §4 ordering (families interleaved, starting with the family of
 *   the first address) and a failed attempt starts the next one at once (§5). The
 *   resolution still completes before the first attempt (no §3 "resolution delay").
 */
export type AttemptPolicy = "twisted" | "rfc8305";

/** Options of {@link HostnameEndpoint}. */
export interface HostnameEndpointOptions {
  /** Seconds each attempt may take before failing with `TimeoutError`. @default 30 */
  readonly timeout?: number;
  /** Local address to bind each attempt to. @default null */
  readonly bindAddress?: BindAddress | null;
  /** Seconds between starting attempts. @default 0.3 (Twisted's) */
  readonly attemptDelay?: number;
  /** @default "twisted" */
  readonly attemptPolicy?: AttemptPolicy;
  /** @default `dns.lookup` with `all: true` */
  readonly resolver?: HostnameResolver;
}

/**
 * Connects to a host name by trying its addresses (Twisted's `HostnameEndpoint`, "happy
 * eyeballs" Twisted style): resolves the name (an IP literal is used as is), then starts
 * an attempt per address, one every `attemptDelay` seconds, each with its own `timeout`.
 * The first attempt to connect wins and every other pending attempt is cancelled; if all
 * fail, the Deferred fails with the **last** failure. A lookup that fails or finds nothing
 * fails with `DNSLookupError`; an invalid host name with `InvalidAddressError`.
 * Cancelling stops the lookup or every attempt and fails with `ConnectingCancelledError`.
 */
export class HostnameEndpoint implements IStreamClientEndpoint {
  readonly reactor: IReactorTCP & IReactorTime;
  /** The host as given. */
  readonly host: string;
  readonly port: number;
  readonly timeout: number;
  readonly bindAddress: BindAddress | null;
  readonly attemptDelay: number;
  readonly attemptPolicy: AttemptPolicy;
  readonly #resolver: HostnameResolver;

  constructor(reactor: IReactorTCP & IReactorTime, host: string, port: number, options: HostnameEndpointOptions = {}) {
    this.reactor = reactor;
    this.host = host;
    this.port = port;
    this.timeout = options.timeout ?? 30;
    this.bindAddress = options.bindAddress ?? null;
    this.attemptDelay = options.attemptDelay ?? 0.3;
    this.attemptPolicy = options.attemptPolicy ?? "twisted";
    this.#resolver = options.resolver ?? defaultResolver;
  }

  /**
   * The host in the form the resolver gets: IP literals unchanged, names in IDNA ASCII
   * form (punycode), or `null` when the name is not valid.
   */
  get asciiHost(): string | null {
    if (isIPv4Literal(this.host) || isIPv6Literal(this.host)) return this.host;
    const ascii = domainToASCII(this.host.normalize("NFC"));
    return ascii === "" ? null : ascii;
  }

  toString(): string {
    const host = isIPv6Literal(this.host) ? `[${this.host}]` : (this.asciiHost ?? this.host);
    return `<HostnameEndpoint ${host}:${this.port}>`;
  }

  connect<P extends IProtocol>(factory: IProtocolFactoryOf<P>): Deferred<P> {
    const host = this.asciiHost;
    if (host === null) return fail(new InvalidAddressError(`invalid hostname: ${JSON.stringify(this.host)}`));
    const literal = isIPv4Literal(host) ? 4 : isIPv6Literal(host) ? 6 : 0;
    const lookup = literal === 0 ? resolve(this.#resolver, host, 0) : null;
    const attempt = new HostnameAttempt(this, factory, host);
    if (lookup === null) attempt.start([{ address: host, family: literal as 4 | 6 }]);
    else attempt.resolving(lookup);
    return attempt.result;
  }
}

/** The state of one `HostnameEndpoint.connect` call. */
class HostnameAttempt<P extends IProtocol> {
  readonly result: Deferred<P>;
  readonly #endpoint: HostnameEndpoint;
  readonly #factory: IProtocolFactoryOf<P>;
  readonly #host: string;
  #lookup: Deferred<readonly ResolvedAddress[]> | null = null;
  #queue: ResolvedAddress[] = [];
  #endpointsLeft = true;
  #done = false;
  readonly #pending = new Set<Deferred<P>>();
  #lastFailure: Failure | null = null;
  #tick: IDelayedCall | null = null;

  constructor(endpoint: HostnameEndpoint, factory: IProtocolFactoryOf<P>, host: string) {
    this.#endpoint = endpoint;
    this.#factory = factory;
    this.#host = host;
    this.result = new Deferred<P>(this.#cancel);
  }

  resolving(lookup: Deferred<readonly ResolvedAddress[]>): void {
    this.#lookup = lookup;
    lookup.addCallbacks(
      (addresses) => {
        this.#lookup = null;
        this.start(addresses);
      },
      (failure: Failure) => {
        this.#lookup = null;
        if (!this.#done) this.#finish(failure);
      },
    );
  }

  start(addresses: readonly ResolvedAddress[]): void {
    if (this.#done) return;
    this.#queue = this.#endpoint.attemptPolicy === "rfc8305" ? interleave(addresses) : [...addresses];
    debug(
      "%s: trying %o",
      this.#host,
      this.#queue.map((a) => a.address),
    );
    this.#next();
  }

  /** One tick: start the next attempt, or note that none is left. Then schedule the next tick. */
  readonly #next = (): void => {
    this.#tick = null;
    if (this.#done) return;
    const address = this.#queue.shift();
    if (address === undefined) {
      this.#endpointsLeft = false;
      this.#checkDone();
      return;
    }
    this.#tick = this.#endpoint.reactor.callLater(this.#endpoint.attemptDelay, this.#next);
    this.#attempt(address);
  };

  #attempt(address: ResolvedAddress): void {
    const e = this.#endpoint;
    const options = { timeout: e.timeout, bindAddress: e.bindAddress };
    const endpoint =
      address.family === 6
        ? new TCP6ClientEndpoint(e.reactor, address.address, e.port, options)
        : new TCP4ClientEndpoint(e.reactor, address.address, e.port, options);
    debug("%s: attempt to %s", this.#host, address.address);
    const attempt = endpoint.connect(this.#factory);
    this.#pending.add(attempt);
    attempt.addCallbacks(
      (protocol) => {
        this.#pending.delete(attempt);
        if (!this.#done) this.#win(protocol);
      },
      (failure: Failure) => {
        this.#pending.delete(attempt);
        if (this.#done) return;
        this.#lastFailure = failure;
        if (this.#endpoint.attemptPolicy === "rfc8305" && this.#endpointsLeft) this.#startNextNow();
        else this.#checkDone();
      },
    );
  }

  #startNextNow(): void {
    if (this.#tick !== null && this.#tick.active()) this.#tick.cancel();
    this.#next();
  }

  #checkDone(): void {
    if (this.#done || this.#pending.size > 0 || this.#endpointsLeft) return;
    this.#finish(this.#lastFailure as Failure);
  }

  #win(protocol: P): void {
    this.#stop();
    this.result.callback(protocol);
  }

  #finish(failure: Failure): void {
    this.#stop();
    this.result.errback(failure);
  }

  /** Marks the attempt over: no more ticks, every pending attempt cancelled. */
  #stop(): void {
    this.#done = true;
    if (this.#tick !== null && this.#tick.active()) this.#tick.cancel();
    this.#tick = null;
    for (const pending of [...this.#pending]) pending.cancel();
    this.#pending.clear();
    const lookup = this.#lookup;
    this.#lookup = null;
    if (lookup !== null && !lookup.called) lookup.cancel();
  }

  readonly #cancel = (deferred: Deferred<P>): void => {
    this.#stop();
    deferred.errback(new ConnectingCancelledError(`Connecting to ${this.#host}:${this.#endpoint.port} was cancelled.`));
  };
}

/** RFC 8305 §4: alternate the address families, starting with the first address's. */
function interleave(addresses: readonly ResolvedAddress[]): ResolvedAddress[] {
  const first = addresses[0]?.family ?? 6;
  const a = addresses.filter((x) => x.family === first);
  const b = addresses.filter((x) => x.family !== first);
  const out: ResolvedAddress[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i] as ResolvedAddress);
    if (i < b.length) out.push(b[i] as ResolvedAddress);
  }
  return out;
}
