import { ConcurrencyPrimitive } from "./concurrency-primitive.js";
import { Deferred } from "./deferred.js";
import { NotAcquiredError } from "./errors.js";

/**
 * A semaphore for event-driven code: at most `limit` holders at a time, waiters served
 * first come, first served. Handy for bounding parallelism with `run`.
 */
export class DeferredSemaphore extends ConcurrencyPrimitive {
  /** At most this many acquisitions may be held at once. */
  readonly limit: number;
  #tokens: number;

  /**
   * @param tokens - the initial `tokens` and the `limit`; a positive integer
   * @throws RangeError if `tokens` is not a positive integer
   */
  constructor(tokens: number) {
    super();
    if (!Number.isInteger(tokens) || tokens < 1) {
      throw new RangeError(`DeferredSemaphore requires an integer tokens >= 1, got ${tokens}`);
    }
    this.limit = tokens;
    this.#tokens = tokens;
  }

  /** How many more acquisitions can succeed at once (`limit` minus those held). */
  get tokens(): number {
    return this.#tokens;
  }

  /**
   * A Deferred firing with this semaphore once a token is held by the caller: at once
   * (inside this call) if one is free, otherwise when one is released to this waiter.
   */
  override acquire(): Deferred<this> {
    if (this.#tokens === 0) return this.enqueue();
    this.#tokens--;
    const deferred = new Deferred<this>();
    deferred.callback(this);
    return deferred;
  }

  /**
   * Returns a token. If someone is waiting, the token passes straight to the first waiter,
   * whose Deferred fires inside this call.
   *
   * @throws NotAcquiredError if no token is held (all `limit` tokens are free)
   */
  override release(): void {
    if (this.#tokens >= this.limit) {
      throw new NotAcquiredError("release() of a DeferredSemaphore with no token acquired");
    }
    const next = this.dequeue();
    if (next === undefined) this.#tokens++;
    else next.callback(this);
  }
}
