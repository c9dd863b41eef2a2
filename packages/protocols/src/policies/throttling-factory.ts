import createDebug from "debug";
import type {
  IAddress,
  IDelayedCall,
  IProducer,
  IProtocol,
  IProtocolFactory,
  IPushProducer,
  IReactorTime,
  ITransport,
} from "@torsion/core";
import { reportError } from "@torsion/defer";
import { InvalidPolicyOptionError } from "./errors.js";
import { ProtocolWrapper } from "./protocol-wrapper.js";
import { WrappingFactory } from "./wrapping-factory.js";

const debug = createDebug("torsion:protocols:throttling-factory");

/** Options of {@link ThrottlingFactory}. */
export interface ThrottlingOptions {
  /**
   * Connections beyond this many at once are refused (`buildProtocol` returns `null`).
   * @default Infinity
   */
  readonly maxConnectionCount?: number;
  /**
   * Bytes per second all connections together may read before reads are paused, or
   * `null` for no read limit.
   * @default null
   */
  readonly readLimit?: number | null;
  /**
   * Bytes per second all connections together may write before their registered push
   * producers are paused, or `null` for no write limit.
   * @default null
   */
  readonly writeLimit?: number | null;
}

/**
 * The wrapper {@link ThrottlingFactory} puts around each protocol: it counts the bytes
 * read and written into the factory's per-second totals, and pauses/resumes its
 * transport (reads) and its registered push producer (writes) when the factory says so.
 */
export class ThrottlingProtocol extends ProtocolWrapper {
  readonly #factory: ThrottlingFactory;
  #producer: IPushProducer | null = null;
  #readsPaused = false;
  #writesPaused = false;

  constructor(factory: ThrottlingFactory, wrappedProtocol: IProtocol) {
    super(factory, wrappedProtocol);
    this.#factory = factory;
  }

  override makeConnection(transport: ITransport): void {
    super.makeConnection(transport);
    if (this.#factory.readsThrottled && this.connected) this.throttleReads();
  }

  override write(data: Uint8Array): void {
    this.#factory.registerWritten(data.byteLength);
    super.write(data);
  }

  override writeSequence(data: Iterable<Uint8Array>): void {
    const chunks = Array.from(data);
    this.#factory.registerWritten(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
    super.writeSequence(chunks);
  }

  override dataReceived(data: Buffer): void {
    this.#factory.registerRead(data.byteLength);
    super.dataReceived(data);
  }

  override registerProducer(producer: IProducer, streaming: boolean): void {
    super.registerProducer(producer, streaming);
    this.#producer = streaming ? (producer as IPushProducer) : null;
    this.#writesPaused = false;
    if (this.#factory.writesThrottled) this.throttleWrites();
  }

  override unregisterProducer(): void {
    this.#producer = null;
    this.#writesPaused = false;
    super.unregisterProducer();
  }

  /** Pauses reading from the transport (once; repeated calls do nothing). */
  throttleReads(): void {
    if (this.#readsPaused || this.transportOrNull === null) return;
    this.#readsPaused = true;
    this.transport.pauseProducing();
  }

  /** Resumes reading, if {@link throttleReads} paused it. */
  unthrottleReads(): void {
    if (!this.#readsPaused || this.transportOrNull === null) return;
    this.#readsPaused = false;
    this.transport.resumeProducing();
  }

  /** Pauses the registered push producer, if any (once). */
  throttleWrites(): void {
    if (this.#producer === null || this.#writesPaused) return;
    this.#writesPaused = true;
    this.#producer.pauseProducing();
  }

  /** Resumes the registered push producer, if {@link throttleWrites} paused it. */
  unthrottleWrites(): void {
    if (this.#producer === null || !this.#writesPaused) return;
    this.#writesPaused = false;
    this.#producer.resumeProducing();
  }
}

type Direction = "read" | "write";

interface Meter {
  limit: number | null;
  count: number;
  check: IDelayedCall | null;
  unthrottle: IDelayedCall | null;
}

/**
 * Limits connections and bandwidth (Twisted's `ThrottlingFactory`), on an injected clock.
 *
 * - Refuses a connection while {@link connectionCount} is `maxConnectionCount`.
 * - With a read (or write) limit, bytes are summed over all connections. When the first
 *   connection is accepted, a check runs at once and then every second: if more than the
 *   limit arrived since the last check, reads are paused on every connection (each
 *   transport's `pauseProducing`) for `bytes / limit - 1` seconds, then resumed. Writes
 *   are throttled the same way by pausing the push producers registered through the
 *   wrappers: as in Twisted, a connection that writes without a producer is only counted.
 * - Differences from Twisted: connections made (or producers registered) while throttled
 *   are paused too; a second overrun while throttled extends the pause instead of pausing
 *   twice; the checks stop (and the byte counts reset) when the last connection closes,
 *   and restart with the next one; a connection that cannot be paused is reported through
 *   `reportError` without stopping the others.
 */
export class ThrottlingFactory extends WrappingFactory {
  /** Connections accepted and not yet closed. */
  connectionCount = 0;
  readonly maxConnectionCount: number;
  readonly clock: IReactorTime;
  readonly #meters: Record<Direction, Meter>;

  constructor(wrappedFactory: IProtocolFactory, clock: IReactorTime, options: ThrottlingOptions = {}) {
    super(wrappedFactory);
    this.clock = clock;
    this.maxConnectionCount = options.maxConnectionCount ?? Infinity;
    if (!(this.maxConnectionCount >= 0))
      throw new InvalidPolicyOptionError(`maxConnectionCount must be >= 0, not ${this.maxConnectionCount}`);
    this.#meters = { read: meter("readLimit", options.readLimit), write: meter("writeLimit", options.writeLimit) };
  }

  /** The read limit in bytes per second, or `null`. */
  get readLimit(): number | null {
    return this.#meters.read.limit;
  }

  /** The write limit in bytes per second, or `null`. */
  get writeLimit(): number | null {
    return this.#meters.write.limit;
  }

  /** Bytes read since the last check. */
  get readThisSecond(): number {
    return this.#meters.read.count;
  }

  /** Bytes written since the last check. */
  get writtenThisSecond(): number {
    return this.#meters.write.count;
  }

  /** Whether reads are paused now. */
  get readsThrottled(): boolean {
    return this.#meters.read.unthrottle !== null;
  }

  /** Whether writes are throttled now. */
  get writesThrottled(): boolean {
    return this.#meters.write.unthrottle !== null;
  }

  /** Called by the wrappers for every write. */
  registerWritten(length: number): void {
    this.#meters.write.count += length;
  }

  /** Called by the wrappers for every read. */
  registerRead(length: number): void {
    this.#meters.read.count += length;
  }

  /** Refuses when full; otherwise counts the connection and starts the checks on the first. */
  override buildProtocol(addr: IAddress): ProtocolWrapper | null {
    if (this.connectionCount >= this.maxConnectionCount) {
      debug("max connection count %d reached, refusing %s", this.maxConnectionCount, String(addr));
      return null;
    }
    if (this.connectionCount === 0) this.#startChecks();
    this.connectionCount++;
    const wrapper = super.buildProtocol(addr);
    if (wrapper === null) this.#release();
    return wrapper;
  }

  protected override wrapProtocol(inner: IProtocol, addr: IAddress): ProtocolWrapper {
    return new ThrottlingProtocol(this, inner);
  }

  override unregisterProtocol(wrapper: ProtocolWrapper): void {
    super.unregisterProtocol(wrapper);
    this.#release();
  }

  #release(): void {
    this.connectionCount--;
    if (this.connectionCount === 0) this.#stopChecks();
  }

  #startChecks(): void {
    if (this.#meters.read.limit !== null) this.#check("read");
    if (this.#meters.write.limit !== null) this.#check("write");
  }

  #stopChecks(): void {
    for (const m of Object.values(this.#meters)) {
      if (m.check?.active() === true) m.check.cancel();
      if (m.unthrottle?.active() === true) m.unthrottle.cancel();
      m.check = null;
      m.unthrottle = null;
      m.count = 0;
    }
  }

  #check(direction: Direction): void {
    const m = this.#meters[direction];
    const limit = m.limit ?? Infinity;
    if (m.count > limit) this.#throttle(direction, m.count / limit - 1.0);
    m.count = 0;
    m.check = this.clock.callLater(1, () => this.#check(direction));
  }

  #throttle(direction: Direction, seconds: number): void {
    const m = this.#meters[direction];
    if (m.unthrottle !== null) {
      if (m.unthrottle.getTime() < this.clock.seconds() + seconds) m.unthrottle.reset(seconds);
      return;
    }
    debug("throttling %ss for %d s", direction, seconds);
    this.#forEachWrapper((p) => (direction === "read" ? p.throttleReads() : p.throttleWrites()));
    m.unthrottle = this.clock.callLater(seconds, () => this.#unthrottle(direction));
  }

  #unthrottle(direction: Direction): void {
    this.#meters[direction].unthrottle = null;
    debug("stopped throttling %ss", direction);
    this.#forEachWrapper((p) => (direction === "read" ? p.unthrottleReads() : p.unthrottleWrites()));
  }

  /** Applies `action` to every live wrapper; one that throws is reported and the rest still run. */
  #forEachWrapper(action: (p: ThrottlingProtocol) => void): void {
    for (const p of [...this.protocols]) {
      if (!(p instanceof ThrottlingProtocol)) continue;
      try {
        action(p);
      } catch (error) {
        reportError(error, `error throttling ${p.logPrefix()}`);
      }
    }
  }
}

function meter(name: string, limit: number | null | undefined): Meter {
  if (limit !== undefined && limit !== null && !(limit > 0 && Number.isFinite(limit))) {
    throw new InvalidPolicyOptionError(`${name} must be a positive number of bytes per second or null, not ${limit}`);
  }
  return { limit: limit ?? null, count: 0, check: null, unthrottle: null };
}
