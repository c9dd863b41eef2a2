import { ConcurrencyPrimitive } from "./concurrency-primitive.js";
import { Deferred } from "./deferred.js";
import { NotAcquiredError } from "./errors.js";

/**
 * A lock for event-driven code: at most one holder at a time, waiters served first come,
 * first served. Acquire with {@link acquire} (or use `run`), and always {@link release}.
 */
export class DeferredLock extends ConcurrencyPrimitive {
  #locked = false;

  /** Whether the lock is held. Useful for a non-blocking "try" check. */
  get locked(): boolean {
    return this.#locked;
  }

  /**
   * A Deferred firing with this lock once it is held by the caller: at once (inside this
   * call) if it is free, otherwise when released to this waiter.
   */
  override acquire(): Deferred<this> {
    if (this.#locked) return this.enqueue();
    this.#locked = true;
    const deferred = new Deferred<this>();
    deferred.callback(this);
    return deferred;
  }

  /**
   * Releases the lock. If someone is waiting, the lock passes straight to the first
   * waiter (it stays locked) and that waiter's Deferred fires inside this call.
   *
   * @throws NotAcquiredError if the lock is not locked
   */
  override release(): void {
    if (!this.#locked) throw new NotAcquiredError("release() of a DeferredLock that is not locked");
    const next = this.dequeue();
    if (next === undefined) this.#locked = false;
    else next.callback(this);
  }
}
