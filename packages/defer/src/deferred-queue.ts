import { Deferred } from "./deferred.js";
import { QueueOverflow, QueueUnderflow } from "./errors.js";

/**
 * A first-in, first-out queue for event-driven code: {@link get} returns a Deferred that
 * fires with the next object, at once if one is queued, otherwise when {@link put} supplies
 * one. Both bounds are optional; without them the queue and the backlog are unbounded.
 *
 * @typeParam T - the type of the objects queued
 */
export class DeferredQueue<T> {
  /** At most this many objects may be queued (`undefined`: no limit). */
  readonly size: number | undefined;
  /** At most this many gets may wait at once (`undefined`: no limit). */
  readonly backlog: number | undefined;
  readonly #pending: T[] = [];
  readonly #waiting: Deferred<T>[] = [];

  /**
   * @throws RangeError if `size` or `backlog` is given and is not a non-negative integer
   */
  constructor(size?: number, backlog?: number) {
    this.size = checkBound("size", size);
    this.backlog = checkBound("backlog", backlog);
  }

  /** How many objects are queued, waiting for a `get`. */
  get pending(): number {
    return this.#pending.length;
  }

  /** How many gets are waiting for a `put`. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Adds `obj`. If a get is waiting, the first waiter's Deferred fires with it, inside this
   * call; otherwise it is queued.
   *
   * @throws QueueOverflow if no get is waiting and `size` objects are already queued
   */
  put(obj: T): void {
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) {
      waiter.callback(obj);
      return;
    }
    if (this.size !== undefined && this.#pending.length >= this.size) {
      throw new QueueOverflow(`DeferredQueue is full (size ${this.size})`);
    }
    this.#pending.push(obj);
  }

  /**
   * Takes the next object: a Deferred that has already fired if one is queued, otherwise a
   * Deferred that fires on a later `put` (waiters are served in order). Cancelling a waiting
   * get removes it (it errbacks with `CancelledError`), so no object is lost to it.
   *
   * @throws QueueUnderflow if nothing is queued and `backlog` gets are already waiting
   */
  get(): Deferred<T> {
    if (this.#pending.length > 0) {
      const deferred = new Deferred<T>();
      deferred.callback(this.#pending.shift() as T);
      return deferred;
    }
    if (this.backlog !== undefined && this.#waiting.length >= this.backlog) {
      throw new QueueUnderflow(`DeferredQueue has too many waiting gets (backlog ${this.backlog})`);
    }
    const deferred: Deferred<T> = new Deferred<T>((cancelled) => {
      const index = this.#waiting.indexOf(cancelled);
      if (index >= 0) this.#waiting.splice(index, 1);
    });
    this.#waiting.push(deferred);
    return deferred;
  }
}

function checkBound(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new RangeError(`DeferredQueue ${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}
