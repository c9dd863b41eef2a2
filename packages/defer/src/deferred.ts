import { addTimeoutTo, type OnTimeoutCancel } from "./add-timeout.js";
import type { AddCallbacksOptions, CallbackReturn, Canceller, DeferredState } from "./deferred-types.js";
import { reportError } from "./error-reporter.js";
import { armCollectedReport, type CollectedFailureToken, disarmCollectedReport } from "./collected-failure.js";
import { AlreadyCalledError, CancelledError, DeferredCycleError } from "./errors.js";
import { Failure } from "./failure.js";
import { adoptPromise, isThenable, requireThenable } from "./promise-interop.js";
import type { ITimeoutClock } from "./timeout-clock.js";
import { queueUnhandledCheck, UNHANDLED_CONTEXT } from "./unhandled-check.js";

type Step = ((value: unknown, ...args: unknown[]) => unknown) | null;

/** One link of the chain: a callback pair, or a hand-over to another Deferred. */
type Link =
  | {
      readonly kind: "pair";
      readonly callback: Step;
      readonly callbackArgs: readonly unknown[];
      readonly errback: Step;
      readonly errbackArgs: readonly unknown[];
    }
  | { readonly kind: "continue"; readonly target: Deferred<unknown> }
  | { readonly kind: "forward"; readonly target: Deferred<unknown> };

const NO_ARGS: readonly unknown[] = [];
const PENDING: DeferredState<never> = Object.freeze({ state: "pending" });
export { UNHANDLED_CONTEXT };

/**
 * A result that is not available yet: Twisted's `Deferred`, synchronous, cancellable and
 * awaitable.
 *
 * **Chain.** Callbacks and errbacks form a chain of pairs. When the Deferred fires
 * ({@link callback}/{@link errback}), each pair runs in the order added, synchronously, inside
 * the `callback()` call; pairs added after it fired run synchronously inside `addCallbacks()`.
 * A callback that throws or returns a {@link Failure} switches to the error track; an errback
 * that returns anything else switches back. A callback that returns a Deferred (or any
 * `PromiseLike`) suspends this chain until that one settles; its result then continues down
 * this chain, and the returned Deferred's own result becomes `null`. A returned Deferred that
 * already has a result (it fired, is not paused, is not waiting, and is not running one of its
 * callbacks) gives it up at once. Chaining is iterative, so arbitrarily long chains run
 * without growing the stack.
 *
 * **Where Torsion differs from Twisted 22.4** (each on purpose; tests in
 * `deferred-edge-cases.test.ts`):
 * - A callback that returns the Deferred it was added to fails the chain with a `TypeError`.
 *   Twisted only warns that this "will raise an exception in the future" and then waits on
 *   itself forever, a silent hang.
 * - A callback that returns a Deferred which is running one of its own callbacks at that
 *   moment waits for it, and continues with its result once its chain comes to rest. Twisted
 *   takes the in-flight value instead, the one the running callback received, so the same
 *   value goes on down two chains while the running callback's own return value continues the
 *   other. Waiting keeps the rule "a result is handed over once, when it exists".
 * - When a Deferred waiting on an inner one is paused at the moment the inner one fires, the
 *   inner one hands its result over and then goes on running the callbacks added to it after
 *   the hand-over (they see `null`). Twisted stops the inner chain there, and those callbacks
 *   run only when something later adds a callback to the inner Deferred, possibly never. A
 *   paused outer chain holds only itself.
 * - {@link cancel} on Deferreds that wait on each other in a cycle throws
 *   {@link DeferredCycleError} (Twisted hits its recursion limit, `RecursionError`).
 *
 * **Awaiting.** A Deferred is a `PromiseLike`: `await d` works, and an `async` function that
 * awaits Deferreds is Torsion's `inlineCallbacks` (wrap its promise with
 * {@link Deferred.fromCoroutine} or `ensureDeferred` to get a Deferred back).
 *
 * **Unhandled failures.** Whenever this Deferred's chain stops running (it has run every
 * callback added so far, is not paused and is not waiting on another Deferred) with a
 * {@link Failure} as its result, a check is queued. All queued checks run together in one
 * `setImmediate` callback, so after the current macrotask and every microtask it spawned.
 * A check reports the failure once, through `reportError(failure, "Unhandled error in
 * Deferred")`, if at that moment the chain is still at rest on a Failure whose error was
 * neither reported before nor delivered to a `then()`/`await` consumer of this Deferred.
 * Adding an errback that handles the failure before the check therefore prevents the report;
 * adding only callbacks, or an errback that rethrows, does not. Handing the failure to
 * another Deferred (returning this one from a callback, `chainDeferred`) moves the duty to
 * that Deferred. A Deferred that is still paused when its check runs cannot report yet (an
 * `unpause()` may hand the failure to an errback); if it is never unpaused, its failure is
 * reported, with the same context, when the Deferred is garbage-collected (through a
 * `FinalizationRegistry` that holds only the Failure, as Twisted reports at collection).
 * Such a report comes whenever V8 collects the Deferred, possibly never before the process
 * exits, and never if the error itself refers to the Deferred (which keeps it alive).
 *
 * **Bound methods.** `callback`, `errback` and `cancel` are bound to their Deferred, so they
 * can be passed around as functions: `clock.callLater(1, d.callback, value)`,
 * `d1.addCallbacks(d2.callback, d2.errback)`.
 *
 * @typeParam T - the type of the result the first callback receives
 */
export class Deferred<T> implements PromiseLike<T> {
  #links: (Link | undefined)[] = [];
  #head = 0;
  #called = false;
  #result: unknown = undefined;
  #paused = 0;
  #running = false;
  #suppressAlreadyCalled = false;
  /** Typed without `T` so that `Deferred<T>` stays covariant in `T`. */
  #canceller: ((deferred: never) => void) | undefined;
  #checkQueued = false;
  #settledError: Error | null = null;
  /** True while a `chainDeferred` target fired with this chain's result runs its chain. */
  #forwarding = false;
  /** Set while a garbage-collection report of a paused failure is armed. */
  #collectedReport: CollectedFailureToken | null = null;

  /**
   * @param canceller - called by {@link cancel} while this Deferred has not fired, to stop
   *   the pending operation. It may fire the Deferred (with any result); if it does not,
   *   `cancel()` errbacks with {@link CancelledError}. Without a canceller, the one
   *   `callback`/`errback` that eventually arrives after `cancel()` is silently ignored.
   */
  constructor(canceller?: Canceller<T>) {
    this.#canceller = canceller;
    this.callback = this.callback.bind(this);
    this.errback = this.errback.bind(this);
    this.cancel = this.cancel.bind(this);
  }

  /** Whether `callback` or `errback` has been called (or `cancel` fired it). Never reverts. */
  get called(): boolean {
    return this.#called;
  }

  /** How many `pause()` calls are unmatched. */
  get paused(): number {
    return this.#paused;
  }

  /**
   * Fires the Deferred with `result` and runs the chain synchronously before returning.
   * A {@link Failure} given here is treated like `errback(result)`.
   *
   * @throws AlreadyCalledError if the Deferred already fired (except the single call that
   *   follows a `cancel()` of a Deferred without canceller, which is ignored)
   * @throws TypeError if `result` is a Deferred (return it from a callback instead)
   */
  callback(result: T): void {
    if (result instanceof Deferred) {
      throw new TypeError("Deferred.callback() cannot take a Deferred; return it from a callback or use chainDeferred()");
    }
    this.#start(result);
  }

  /**
   * Fires the Deferred on the error track and runs the chain synchronously before returning.
   * `reason` is wrapped with `Failure.from` (non-`Error` values become `ThrownValueError`);
   * without an argument the failure wraps a generic `Error`.
   *
   * @throws AlreadyCalledError as for {@link callback}
   */
  errback(reason?: unknown): void {
    const given = arguments.length > 0;
    this.#start(given ? Failure.from(reason) : new Failure(new Error("Deferred.errback() called without a reason")));
  }

  /**
   * Adds a callback/errback pair. Exactly one of them runs, with the chain's current result
   * followed by `callbackArgs`/`errbackArgs`; without an errback a failure passes through.
   * Runs at once if the Deferred already fired and is not paused or waiting.
   *
   * @returns this Deferred, typed with the new result type
   */
  addCallbacks<U, V = never, A extends unknown[] = [], B extends unknown[] = []>(
    callback: (result: T, ...args: A) => CallbackReturn<U>,
    errback?: ((failure: Failure, ...args: B) => CallbackReturn<V>) | null,
    options?: AddCallbacksOptions<A, B>,
  ): Deferred<U | V> {
    return this.#add(callback as Step, options?.callbackArgs ?? NO_ARGS, (errback ?? null) as Step, options?.errbackArgs ?? NO_ARGS);
  }

  /** Adds a callback only (failures pass it by), called as `fn(result, ...args)`. */
  addCallback<U, A extends unknown[] = []>(fn: (result: T, ...args: A) => CallbackReturn<U>, ...args: A): Deferred<U> {
    return this.#add(fn as Step, args, null, NO_ARGS);
  }

  /** Adds an errback only (results pass it by), called as `fn(failure, ...args)`. */
  addErrback<V = never, B extends unknown[] = []>(fn: (failure: Failure, ...args: B) => CallbackReturn<V>, ...args: B): Deferred<T | V> {
    return this.#add(null, NO_ARGS, fn as Step, args);
  }

  /** Adds `fn` as both callback and errback: it sees the result or the {@link Failure}. */
  addBoth<U, A extends unknown[] = []>(fn: (result: T | Failure, ...args: A) => CallbackReturn<U>, ...args: A): Deferred<U> {
    return this.#add(fn as Step, args, fn as Step, args);
  }

  /**
   * Makes `other` fire with this chain's result at this point of the chain (like
   * `addCallbacks(other.callback, other.errback)`, but iterative); once `other`'s chain has
   * run, this chain continues with `null`. While `other`'s chain runs, this Deferred is
   * pending (callbacks added to it meanwhile wait) and still holds the result, so a callback
   * of `other` that returns this Deferred continues with that result, as in Twisted. If
   * `other` already fired, this chain continues with an {@link AlreadyCalledError} failure
   * instead.
   */
  chainDeferred(other: Deferred<T>): Deferred<null> {
    this.#links.push({ kind: "forward", target: other });
    if (this.#called) this.#runCallbacks();
    return this as unknown as Deferred<null>;
  }

  /**
   * Stops running the chain until a matching {@link unpause}. Counted. Takes effect at once,
   * also from inside one of this Deferred's own callbacks: the rest of the chain waits.
   */
  pause(): void {
    this.#paused++;
  }

  /**
   * Undoes one {@link pause}; when none is left and the Deferred fired, runs the callbacks
   * added meanwhile, synchronously. Does nothing on a Deferred that is not paused.
   */
  unpause(): void {
    if (this.#paused === 0) return;
    this.#paused--;
    if (this.#paused === 0 && this.#called) this.#runCallbacks();
  }

  /**
   * Cancels the operation. If the Deferred has not fired, calls the canceller and, if that
   * did not fire it, errbacks with {@link CancelledError} (so the chain runs synchronously).
   * If it is waiting on a Deferred returned by a callback, cancels that one instead (and so
   * on down nested waits). Otherwise (it already has a result) does nothing.
   *
   * @throws whatever the canceller throws (the Deferred then stays unfired)
   * @throws DeferredCycleError if the Deferreds it waits on wait, in the end, on one of
   *   themselves (none of them can ever fire); nothing is cancelled then
   */
  cancel(): void {
    if (!this.#called) {
      const canceller = this.#canceller;
      if (canceller !== undefined) canceller(this as never);
      else this.#suppressAlreadyCalled = true;
      // The canceller may have fired this Deferred: TypeScript does not see that.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      if (!this.#called) this.errback(new CancelledError("Deferred was cancelled"));
      return;
    }
    const target = this.#innermostWait();
    if (target !== this) target.cancel();
  }

  /**
   * The Deferred at the end of this one's waits (this one if it is not waiting), found
   * with Floyd's two-pointer walk so that a cycle is detected in linear time and no memory.
   *
   * @throws DeferredCycleError if the waits form a cycle
   */
  #innermostWait(): Deferred<unknown> {
    let slow = this as Deferred<unknown>;
    let fast = slow;
    for (;;) {
      const once = Deferred.#waitedOn(fast);
      if (once === null) return fast;
      const twice = Deferred.#waitedOn(once);
      if (twice === null) return once;
      fast = twice;
      // slow trails fast along the same chain of waits, so it is always waiting on one.
      slow = Deferred.#waitedOn(slow) ?? slow;
      if (slow === fast) throw new DeferredCycleError(Deferred.#cycleLength(slow));
    }
  }

  /** The Deferred that `deferred` is waiting on, or `null` if it is not waiting. */
  static #waitedOn(deferred: Deferred<unknown>): Deferred<unknown> | null {
    const result = deferred.#result;
    return result instanceof Deferred ? (result as Deferred<unknown>) : null;
  }

  /** How many Deferreds form the cycle of waits through `member`. */
  static #cycleLength(member: Deferred<unknown>): number {
    let length = 1;
    // Every member of a cycle is waiting, so the walk meets `member` again before any null.
    for (let next = Deferred.#waitedOn(member); next !== null && next !== member; next = Deferred.#waitedOn(next)) length++;
    return length;
  }

  /**
   * Cancels this Deferred if it has not fired `seconds` after this call (by `clock`), and
   * then turns the resulting {@link CancelledError} into a {@link TimeoutError} (or into
   * whatever `onTimeoutCancel(result, seconds)` returns or throws). The timeout covers the
   * callbacks added before this call; once the chain reaches this point the delayed call is
   * cancelled.
   *
   * @returns this Deferred
   */
  addTimeout(seconds: number, clock: ITimeoutClock, onTimeoutCancel?: OnTimeoutCancel<T>): this {
    addTimeoutTo(this, seconds, clock, onTimeoutCancel);
    return this;
  }

  /**
   * `PromiseLike` support: a real Promise of this chain's result at this point, then
   * `onFulfilled`/`onRejected` as for `Promise.prototype.then`. A failure rejects with
   * `failure.value` (the `Error`), and counts as handled for unhandled-failure reporting.
   * The chain's result is passed on unchanged, so later callbacks still see it.
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.asPromise().then(onFulfilled, onRejected);
  }

  /**
   * A Promise that settles with this chain's result at this point (see {@link then}). It
   * settles on a later microtask, as every Promise does; the chain itself is unchanged.
   */
  asPromise(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onSuccess: Step = (value) => {
        resolve(value as T);
        return value;
      };
      const onFailure: Step = (failure) => {
        this.#settledError = (failure as Failure).value;
        reject((failure as Failure).value);
        return failure;
      };
      this.#add(onSuccess, NO_ARGS, onFailure, NO_ARGS);
    });
  }

  /**
   * The chain's current state, without adding a callback or handling a failure: for test
   * helpers such as `successResultOf`. See {@link DeferredState}.
   */
  peek(): DeferredState<T> {
    const result = this.#result;
    if (!this.#called || this.#paused > 0 || this.#running || this.#forwarding || result instanceof Deferred) {
      return PENDING;
    }
    if (result instanceof Failure) return { state: "failed", failure: result };
    return { state: "succeeded", result: result as T };
  }

  /** A short description of the state, e.g. `<Deferred pending>`, for logs and debugging. */
  toString(): string {
    const state = this.peek();
    if (state.state === "pending") return this.#result instanceof Deferred ? "<Deferred waiting on Deferred>" : "<Deferred pending>";
    return state.state === "failed" ? `<Deferred current result: ${String(state.failure)}>` : "<Deferred succeeded>";
  }

  /**
   * A Deferred that fires when `promise` settles: with its value, or with a Failure of its
   * rejection reason (on a later microtask, as promises always settle). A Deferred is
   * returned as-is. Cancelling the result errbacks it with {@link CancelledError} at once
   * (promises cannot be stopped) and the promise's eventual outcome is ignored.
   */
  static fromPromise<T>(promise: PromiseLike<T>): Deferred<T> {
    if (promise instanceof Deferred) return promise as Deferred<T>;
    const deferred = new Deferred<T>();
    adoptPromise(promise, deferred);
    return deferred;
  }

  /**
   * Runs an `async` function's promise as a Deferred: `Deferred.fromCoroutine(main())`.
   * This is Torsion's `inlineCallbacks`: write an `async` function that `await`s Deferreds.
   * A Deferred is returned as-is; any other `PromiseLike` is converted with
   * {@link fromPromise}. Cancellation cannot reach into the running function.
   *
   * @throws NotACoroutineError if `coroutine` is neither a promise nor a Deferred
   */
  static fromCoroutine<T>(coroutine: PromiseLike<T>): Deferred<T> {
    return Deferred.fromPromise(requireThenable(coroutine));
  }

  #add(callback: Step, callbackArgs: readonly unknown[], errback: Step, errbackArgs: readonly unknown[]): Deferred<never> {
    this.#links.push({ kind: "pair", callback, callbackArgs, errback, errbackArgs });
    if (this.#called) this.#runCallbacks();
    return this as unknown as Deferred<never>;
  }

  #start(result: unknown): void {
    if (this.#called) {
      if (this.#suppressAlreadyCalled) {
        this.#suppressAlreadyCalled = false;
        return;
      }
      throw new AlreadyCalledError("Deferred has already been fired");
    }
    this.#called = true;
    this.#canceller = undefined;
    this.#result = result;
    this.#runCallbacks();
  }

  /**
   * Runs the chain. Hand-overs to other Deferreds (a waiting outer Deferred, a
   * `chainDeferred` target) push them on an explicit stack instead of recursing.
   */
  #runCallbacks(): void {
    if (this.#running || this.#forwarding) return;
    const stack: Deferred<unknown>[] = [this];
    let current: Deferred<unknown> | undefined;
    while ((current = stack[stack.length - 1]) !== undefined) {
      if (current.#forwarding) {
        // The chainDeferred target above it has run: this chain continues with null.
        current.#forwarding = false;
        current.#result = null;
      }
      if (current.#paused > 0 || current.#result instanceof Deferred) {
        stack.pop();
        if (current.#paused > 0) current.#queueCheck();
        continue;
      }
      const next = current.#drain();
      if (next !== null) {
        stack.push(next);
        continue;
      }
      current.#atRest();
      stack.pop();
    }
  }

  /**
   * Runs links until the chain is exhausted or suspended (returns `null`), or until the
   * result must be handed to another Deferred (returns it).
   */
  #drain(): Deferred<unknown> | null {
    if (this.#collectedReport !== null) {
      disarmCollectedReport(this.#collectedReport);
      this.#collectedReport = null;
    }
    while (this.#paused === 0 && this.#head < this.#links.length) {
      const link = this.#links[this.#head];
      // Only links before #head are cleared, so this is never reached.
      if (link === undefined) break;
      this.#links[this.#head++] = undefined;
      if (link.kind === "continue") {
        link.target.#result = this.#result;
        this.#result = null;
        return link.target;
      }
      if (link.kind === "forward") {
        if (this.#forward(link.target)) return link.target;
      } else if (this.#runPair(link)) {
        return null;
      }
    }
    return null;
  }

  /**
   * Fires `target` with the current result (for `chainDeferred`); true if it was fired.
   * This chain keeps the result, marked as forwarding, until `target`'s chain has run (so a
   * callback of `target` that returns this Deferred takes it, as with
   * `addCallbacks(target.callback, target.errback)`), and then continues with `null`.
   */
  #forward(target: Deferred<unknown>): boolean {
    if (target.#called) {
      if (target.#suppressAlreadyCalled) {
        target.#suppressAlreadyCalled = false;
        this.#result = null;
      } else {
        this.#result = new Failure(new AlreadyCalledError("chainDeferred() target has already been fired"));
      }
      return false;
    }
    target.#called = true;
    target.#canceller = undefined;
    target.#result = this.#result;
    this.#forwarding = true;
    return true;
  }

  /** Runs one side of a pair; true if the chain is now suspended on another Deferred. */
  #runPair(link: Extract<Link, { kind: "pair" }>): boolean {
    const failed = this.#result instanceof Failure;
    const step = failed ? link.errback : link.callback;
    if (step === null) return false;
    let value: unknown;
    this.#running = true;
    try {
      value = step(this.#result, ...(failed ? link.errbackArgs : link.callbackArgs));
    } catch (error) {
      this.#result = Failure.from(error);
      return false;
    } finally {
      this.#running = false;
    }
    return this.#accept(value);
  }

  /** Takes a callback's return value as the new result; true if it suspends the chain. */
  #accept(value: unknown): boolean {
    let inner: unknown = value;
    try {
      if (inner === this) throw new TypeError("a callback returned the Deferred it was added to");
      if (!(inner instanceof Deferred) && isThenable(inner)) inner = Deferred.fromPromise(inner);
    } catch (error) {
      this.#result = Failure.from(error);
      return false;
    }
    if (!(inner instanceof Deferred)) {
      this.#result = inner;
      return false;
    }
    const other = inner as Deferred<unknown>;
    if (other.#called && other.#paused === 0 && !other.#running && !(other.#result instanceof Deferred)) {
      this.#steal(other);
      return false;
    }
    this.#result = other;
    other.#links.push({ kind: "continue", target: this });
    return true;
  }

  /** Takes the result of a settled Deferred returned by a callback, leaving it `null`. */
  #steal(other: Deferred<unknown>): void {
    const result = other.#result;
    if (result instanceof Failure && other.#settledError === result.value) this.#settledError = result.value;
    this.#result = result;
    other.#result = null;
  }

  /** The chain ran as far as it can: recycle the link array and queue the unhandled check. */
  #atRest(): void {
    if (this.#head === this.#links.length && this.#head > 0) {
      this.#links = [];
      this.#head = 0;
    }
    this.#queueCheck();
  }

  #queueCheck(): void {
    if (this.#result instanceof Failure && !this.#checkQueued) {
      this.#checkQueued = true;
      queueUnhandledCheck(() => this.#checkUnhandled());
    }
  }

  /**
   * Reports an unhandled failure the chain rests on; if the chain is paused instead, arms
   * the report for when this Deferred is garbage-collected (disarmed when it runs again).
   */
  #checkUnhandled(): void {
    this.#checkQueued = false;
    const result = this.#result;
    if (!(result instanceof Failure) || this.#settledError === result.value) return;
    if (this.#paused > 0 || this.#head < this.#links.length) {
      if (this.#collectedReport === null) this.#collectedReport = armCollectedReport(this, result);
      return;
    }
    this.#settledError = result.value;
    reportError(result, UNHANDLED_CONTEXT);
  }
}
