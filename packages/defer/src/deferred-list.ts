import { reportError } from "./error-reporter.js";
import { FirstError } from "./errors.js";
import { Deferred } from "./deferred.js";
import { Failure } from "./failure.js";

/** One member's outcome in a {@link DeferredList} result: `[true, value]` or `[false, failure]`. */
export type DeferredListEntry<T> = [success: true, value: T] | [success: false, failure: Failure];

/**
 * A {@link DeferredList}'s result: one entry per member, in input order; with
 * `fireOnOneCallback: true`, `[value, index]` of the first success, or the entries if every
 * member failed (as in Twisted; `race` is the better-typed way to wait for a first success).
 */
export type DeferredListResult<T, F extends boolean> = F extends true
  ? [value: T, index: number] | DeferredListEntry<T>[]
  : DeferredListEntry<T>[];

/** Options of {@link DeferredList}; all default to `false`. */
export interface DeferredListOptions<F extends boolean = boolean> {
  /** Fire with `[value, index]` as soon as one member succeeds (with the entries if all fail). */
  readonly fireOnOneCallback?: F;
  /** Errback with a {@link FirstError} as soon as one member fails. */
  readonly fireOnOneErrback?: boolean;
  /**
   * After the list has seen a member's failure, continue that member's chain with `null`, so
   * the failure is not reported as unhandled on the member (and later callbacks on the member
   * see `null`). The list itself still sees the failure.
   */
  readonly consumeErrors?: boolean;
}

/**
 * Collects the results of several Deferreds into one: a Deferred that fires once every
 * member has fired, with `[success, valueOrFailure]` per member in input order (so by default
 * it never fails). A member that is not a Deferred but a `PromiseLike` is converted with
 * `Deferred.fromPromise`.
 *
 * The list adds one callback pair to each member, at construction, in input order; members
 * that already fired are collected at once (so a list of fired Deferreds fires inside the
 * constructor). The pair passes each member's result on unchanged (failures too, unless
 * `consumeErrors`). An empty list fires with `[]` at once, except with `fireOnOneCallback`,
 * where it never fires (as in Twisted).
 *
 * @typeParam T - the members' result type
 * @typeParam F - whether `fireOnOneCallback` is set (inferred from the options)
 */
export class DeferredList<T, F extends boolean = false> extends Deferred<DeferredListResult<T, F>> {
  readonly #members: Deferred<T>[];
  readonly #entries: DeferredListEntry<T>[];
  #finished = 0;
  readonly fireOnOneCallback: boolean;
  readonly fireOnOneErrback: boolean;
  readonly consumeErrors: boolean;

  constructor(deferreds: Iterable<Deferred<T> | PromiseLike<T>>, options: DeferredListOptions<F> = {}) {
    super();
    this.#members = Array.from(deferreds, (each) => Deferred.fromPromise(each));
    this.#entries = new Array<DeferredListEntry<T>>(this.#members.length);
    this.fireOnOneCallback = options.fireOnOneCallback ?? false;
    this.fireOnOneErrback = options.fireOnOneErrback ?? false;
    this.consumeErrors = options.consumeErrors ?? false;
    if (this.#members.length === 0 && !this.fireOnOneCallback) this.#fire([]);
    this.#members.forEach((member, index) => {
      member.addCallbacks(
        (value) => this.#onSuccess(value, index),
        (failure) => this.#onFailure(failure, index),
      );
    });
  }

  /**
   * If the list has not fired, cancels every member (in input order; an error thrown by a
   * member's canceller is reported and does not stop the others). The list then fires as
   * its members' cancellations dictate. Does nothing once the list has fired, including
   * after `fireOnOneCallback`/`fireOnOneErrback`.
   */
  override cancel(): void {
    if (this.called) return;
    for (const member of this.#members) {
      try {
        member.cancel();
      } catch (error) {
        reportError(error, "error in the canceller of a DeferredList member");
      }
    }
  }

  #onSuccess(value: T, index: number): T {
    this.#entries[index] = [true, value];
    this.#finished++;
    if (!this.called) {
      if (this.fireOnOneCallback) this.#fire([value, index]);
      else this.#fireIfComplete();
    }
    return value;
  }

  #onFailure(failure: Failure, index: number): Failure | null {
    this.#entries[index] = [false, failure];
    this.#finished++;
    if (!this.called) {
      if (this.fireOnOneErrback) this.errback(new FirstError(failure, index));
      else this.#fireIfComplete();
    }
    return this.consumeErrors ? null : failure;
  }

  #fireIfComplete(): void {
    if (this.#finished === this.#members.length) this.#fire(this.#entries);
  }

  #fire(result: unknown): void {
    this.callback(result as DeferredListResult<T, F>);
  }
}
