import { Deferred } from "./deferred.js";
import type { Failure } from "./failure.js";
import { maybeDeferred } from "./maybe-deferred.js";

/**
 * What {@link DeferredLock} and {@link DeferredSemaphore} share: a FIFO of waiting
 * acquirers and {@link run}. Subclasses decide when an acquire succeeds at once.
 */
export abstract class ConcurrencyPrimitive {
  readonly #waiting: Deferred<this>[] = [];

  /**
   * A Deferred that fires with this primitive once it is acquired: at once if it is free,
   * otherwise when a `release()` hands it over, in the order of the `acquire()` calls.
   * Cancelling a waiting acquire removes it from the queue (it errbacks with
   * `CancelledError`) and releases nothing.
   */
  abstract acquire(): Deferred<this>;

  /**
   * Gives up one acquisition; if someone is waiting, the first waiter's Deferred fires,
   * synchronously, inside this call.
   *
   * @throws NotAcquiredError if nothing is acquired
   */
  abstract release(): void;

  /** How many acquires are waiting. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Acquires, calls `fn(...args)` (through `maybeDeferred`, so it may return a value, a
   * Deferred or a promise, or throw), and releases once that outcome is known, success or
   * failure. The returned Deferred fires with `fn`'s outcome, after the release.
   */
  run<U, A extends unknown[]>(fn: (...args: A) => U | Deferred<U> | PromiseLike<U> | Failure, ...args: A): Deferred<U> {
    return this.acquire().addCallback(() =>
      maybeDeferred(fn, ...args).addBoth((outcome) => {
        this.release();
        return outcome;
      }),
    );
  }

  /** Queues a new waiting acquirer. */
  protected enqueue(): Deferred<this> {
    const deferred: Deferred<this> = new Deferred<this>((cancelled) => {
      const index = this.#waiting.indexOf(cancelled);
      if (index >= 0) this.#waiting.splice(index, 1);
    });
    this.#waiting.push(deferred);
    return deferred;
  }

  /** Removes and returns the first waiting acquirer, if any (without firing it). */
  protected dequeue(): Deferred<this> | undefined {
    return this.#waiting.shift();
  }
}
