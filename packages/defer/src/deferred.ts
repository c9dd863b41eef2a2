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

/*
 * The chain is one flat array, four slots per link, so that adding a callback allocates no
 * link object. The first slot says what the link is:
 * - a pair: `[callback | null, callbackArgs, errback | null, errbackArgs]`;
 * - `CONTINUE`: `[CONTINUE, target, null, null]`, hand the result to a Deferred that waits
 *   on this one (this one was returned by one of its callbacks);
 * - `FORWARD`: `[FORWARD, target, null, null]`, fire `target` with the result (`chainDeferred`);
 * - `SETTLE`: `[SETTLE, resolve, reject, null]`, settle a promise of `asPromise`/`then`
 *   with the result, passing it on unchanged.
 * A pair's first slot is a function or null, never one of these numbers.
 */
const CONTINUE = 1;
const FORWARD = 2;
const SETTLE = 3;
const LINK_SLOTS = 4;

/* Bits of `#flags`. */
/** `callback`/`errback` was called (or `cancel` fired it). Never cleared. */
const CALLED = 1;
/** One of this Deferred's callbacks (or a promise's resolve function) is running. */
const RUNNING = 2;
/** A `cancel()` without canceller errbacked: the one late `callback`/`errback` is ignored. */
const SUPPRESS_ALREADY_CALLED = 4;
/** An unhandled-failure check of this Deferred is queued. */
const CHECK_QUEUED = 8;
/** A `chainDeferred` target fired with this chain's result is running its chain. */
const FORWARDING = 16;

const NO_ARGS: readonly unknown[] = [];
const PENDING: DeferredState<never> = Object.freeze({ state: "pending" });
export { UNHANDLED_CONTEXT };

/** The methods bound to their Deferred on first access (see "Bound methods" below). */
const BOUND_METHODS = ["callback", "errback", "cancel"] as const;

type BoundMethod = (this: Deferred<unknown>, ...args: never[]) => void;
/** Set by the static block of `Deferred`, called once after the class (see there). */
let installBoundMethods: (proto: Deferred<unknown>) => void;

/* `new Promise(capture)` hands out the resolving functions without a closure per promise. */
let capturedResolve: ((value: unknown) => void) | null = null;
let capturedReject: ((reason: unknown) => void) | null = null;
function capture(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

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
 * `d1.addCallbacks(d2.callback, d2.errback)`. (Each is bound on its first access, and the
 * same function is returned after that; a subclass's overrides of them are bound too.)
 *
 * @typeParam T - the type of the result the first callback receives
 */
export class Deferred<T> implements PromiseLike<T> {
  /** Bits: CALLED, RUNNING, SUPPRESS_ALREADY_CALLED, CHECK_QUEUED, FORWARDING. */
  #flags = 0;
  #paused = 0;
  #result: unknown = undefined;
  /** The links from `#head` on have not run yet (four slots each, see CONTINUE); null when there are none. */
  #links: unknown[] | null = null;
  #head = 0;
  /** Typed without `T` so that `Deferred<T>` stays covariant in `T`. */
  #canceller: ((deferred: never) => void) | undefined;
  #settledError: Error | null = null;
  /** Set while a garbage-collection report of a paused failure is armed. */
  #collectedReport: CollectedFailureToken | null = null;
  /** `callback`, `errback` and `cancel` bound to this Deferred, each made on its first access. */
  #boundCallback: unknown = undefined;
  #boundErrback: unknown = undefined;
  #boundCancel: unknown = undefined;

  /**
   * @param canceller - called by {@link cancel} while this Deferred has not fired, to stop
   *   the pending operation. It may fire the Deferred (with any result); if it does not,
   *   `cancel()` errbacks with {@link CancelledError}. Without a canceller, the one
   *   `callback`/`errback` that eventually arrives after `cancel()` is silently ignored.
   */
  constructor(canceller?: Canceller<T>) {
    this.#canceller = canceller;
    if (new.target !== Deferred) Deferred.#bindOverrides(this);
  }

  /*
   * `callback`, `errback` and `cancel` become accessors of the prototype that bind the method
   * on first access and keep it (a Deferred that is only fired by its owner binds one
   * function at most, instead of three in its constructor). Read from an object that is not
   * a Deferred (the prototype itself), they give the plain method. Assigning one replaces it
   * for that Deferred only, as assigning an own property does. The static block only hands
   * out the installer: it must not name the class (TypeScript would then compile every
   * mention of `Deferred` in the class to an alias assigned after the static block runs).
   */
  static {
    installBoundMethods = (proto) => {
      const methodOf = (name: (typeof BOUND_METHODS)[number]): BoundMethod =>
        Object.getOwnPropertyDescriptor(proto, name)?.value as BoundMethod;
      const callback = methodOf("callback");
      const errback = methodOf("errback");
      const cancel = methodOf("cancel");
      const own = (target: object, name: string, value: unknown): void => {
        Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
      };
      Object.defineProperties(proto, {
        callback: {
          configurable: true,
          get(this: Deferred<unknown>): unknown {
            return #boundCallback in this ? (this.#boundCallback ??= callback.bind(this)) : callback;
          },
          set(this: Deferred<unknown>, value: unknown): void {
            if (#boundCallback in this) this.#boundCallback = value;
            else own(this, "callback", value);
          },
        },
        errback: {
          configurable: true,
          get(this: Deferred<unknown>): unknown {
            return #boundErrback in this ? (this.#boundErrback ??= errback.bind(this)) : errback;
          },
          set(this: Deferred<unknown>, value: unknown): void {
            if (#boundErrback in this) this.#boundErrback = value;
            else own(this, "errback", value);
          },
        },
        cancel: {
          configurable: true,
          get(this: Deferred<unknown>): unknown {
            return #boundCancel in this ? (this.#boundCancel ??= cancel.bind(this)) : cancel;
          },
          set(this: Deferred<unknown>, value: unknown): void {
            if (#boundCancel in this) this.#boundCancel = value;
            else own(this, "cancel", value);
          },
        },
      });
    };
  }

  /** For each prototype of a subclass, the bound methods it (or a class between) overrides. */
  static readonly #overrides = new WeakMap<object, readonly string[]>();

  /** Binds a subclass's overrides of `callback`/`errback`/`cancel` to `deferred`, as own properties. */
  static #bindOverrides(deferred: Deferred<unknown>): void {
    const proto = Object.getPrototypeOf(deferred) as object;
    let names = Deferred.#overrides.get(proto);
    if (names === undefined) {
      const found: string[] = [];
      for (let p: unknown = proto; p !== null && p !== Deferred.prototype; p = Object.getPrototypeOf(p)) {
        for (const name of BOUND_METHODS) if (Object.hasOwn(p as object, name) && !found.includes(name)) found.push(name);
      }
      names = found;
      Deferred.#overrides.set(proto, names);
    }
    for (const name of names) {
      const method: unknown = (deferred as unknown as Record<string, unknown>)[name];
      if (typeof method === "function") {
        Object.defineProperty(deferred, name, { value: method.bind(deferred), writable: true, enumerable: true, configurable: true });
      }
    }
  }

  /** Whether `callback` or `errback` has been called (or `cancel` fired it). Never reverts. */
  get called(): boolean {
    return (this.#flags & CALLED) !== 0;
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
    this.#push(FORWARD, other, null, null);
    if ((this.#flags & CALLED) !== 0) this.#runCallbacks();
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
    if (this.#paused === 0 && (this.#flags & CALLED) !== 0) this.#runCallbacks();
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
    if ((this.#flags & CALLED) === 0) {
      const canceller = this.#canceller;
      if (canceller !== undefined) canceller(this as never);
      else this.#flags |= SUPPRESS_ALREADY_CALLED;
      // The canceller may have fired this Deferred.
      if ((this.#flags & CALLED) === 0) this.errback(new CancelledError("Deferred was cancelled"));
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
    const result = this.#result;
    if (this.#isAtRest() && !(result instanceof Deferred)) {
      // The link added below would run at once and only settle the promise: settle it here.
      if (result instanceof Failure) {
        this.#settledError = result.value;
        this.#queueCheck();
        return Promise.reject(result.value);
      }
      // Not for thenables: `Promise.resolve` returns a native promise as-is (where a promise's
      // resolve function follows it), and the chain then waits on a thenable result. (For an
      // object, `then` is read here and again by `Promise.resolve`, where the link reads it in
      // its resolve function and then again: only a `then` getter could tell the difference.)
      if (!maybeThenable(result) || !thenableOrThrows(result)) return Promise.resolve(result as T);
    }
    const promise = new Promise<T>(capture as (resolve: (value: T) => void, reject: (reason: unknown) => void) => void);
    this.#push(SETTLE, capturedResolve, capturedReject, null);
    capturedResolve = null;
    capturedReject = null;
    if ((this.#flags & CALLED) !== 0) this.#runCallbacks();
    return promise;
  }

  /**
   * The chain's current state, without adding a callback or handling a failure: for test
   * helpers such as `successResultOf`. See {@link DeferredState}.
   */
  peek(): DeferredState<T> {
    const result = this.#result;
    if ((this.#flags & (CALLED | RUNNING | FORWARDING)) !== CALLED || this.#paused > 0 || result instanceof Deferred) {
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

  /** Appends one link (see CONTINUE for the four slots). */
  #push(first: unknown, second: unknown, third: unknown, fourth: unknown): void {
    const links = this.#links;
    if (links === null) this.#links = [first, second, third, fourth];
    else links.push(first, second, third, fourth);
  }

  #add(callback: Step, callbackArgs: readonly unknown[], errback: Step, errbackArgs: readonly unknown[]): Deferred<never> {
    this.#push(callback, callbackArgs, errback, errbackArgs);
    if ((this.#flags & CALLED) !== 0) this.#runCallbacks();
    return this as unknown as Deferred<never>;
  }

  /**
   * Whether the chain has run every link and may run a new one at once: fired, not paused,
   * not running, not forwarding, no link left (and so no GC report armed). The caller checks
   * that it is not waiting on a Deferred.
   */
  #isAtRest(): boolean {
    const links = this.#links;
    return (
      (this.#flags & (CALLED | RUNNING | FORWARDING)) === CALLED &&
      this.#paused === 0 &&
      (links === null || this.#head === links.length) &&
      this.#collectedReport === null
    );
  }

  #start(result: unknown): void {
    const flags = this.#flags;
    if ((flags & CALLED) !== 0) {
      if ((flags & SUPPRESS_ALREADY_CALLED) !== 0) {
        this.#flags = flags & ~SUPPRESS_ALREADY_CALLED;
        return;
      }
      throw new AlreadyCalledError("Deferred has already been fired");
    }
    this.#flags = flags | CALLED;
    this.#canceller = undefined;
    this.#result = result;
    this.#runCallbacks();
  }

  /**
   * Runs the chain. Hand-overs to other Deferreds (a waiting outer Deferred, a
   * `chainDeferred` target) push the current one on an explicit stack instead of recursing
   * (the stack is made only when a hand-over happens).
   */
  #runCallbacks(): void {
    if ((this.#flags & (RUNNING | FORWARDING)) !== 0) return;
    let stack: Deferred<unknown>[] | null = null;
    let current = this as Deferred<unknown>;
    for (;;) {
      if ((current.#flags & FORWARDING) !== 0) {
        // The chainDeferred target it handed its result to has run: this chain continues with null.
        current.#flags &= ~FORWARDING;
        current.#result = null;
      }
      if (current.#paused > 0 || current.#result instanceof Deferred) {
        if (current.#paused > 0) current.#queueCheck();
      } else {
        const next = current.#drain();
        if (next !== null) {
          (stack ??= []).push(current);
          current = next;
          continue;
        }
        current.#atRest();
      }
      const below = stack?.pop();
      if (below === undefined) return;
      current = below;
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
    for (;;) {
      const links = this.#links;
      const head = this.#head;
      if (this.#paused !== 0 || links === null || head >= links.length) return null;
      const first = links[head];
      const second = links[head + 1];
      const third = links[head + 2];
      const fourth = links[head + 3];
      links[head] = links[head + 1] = links[head + 2] = links[head + 3] = undefined;
      this.#head = head + LINK_SLOTS;
      if (first === CONTINUE) {
        const target = second as Deferred<unknown>;
        target.#result = this.#result;
        this.#result = null;
        return target;
      }
      if (first === FORWARD) {
        if (this.#forward(second as Deferred<unknown>)) return second as Deferred<unknown>;
      } else if (first === SETTLE) {
        if (this.#settle(second as (value: unknown) => void, third as (reason: unknown) => void)) return null;
      } else if (this.#runPair(first as Step, second as readonly unknown[], third as Step, fourth as readonly unknown[])) {
        return null;
      }
    }
  }

  /**
   * Fires `target` with the current result (for `chainDeferred`); true if it was fired.
   * This chain keeps the result, marked as forwarding, until `target`'s chain has run (so a
   * callback of `target` that returns this Deferred takes it, as with
   * `addCallbacks(target.callback, target.errback)`), and then continues with `null`.
   */
  #forward(target: Deferred<unknown>): boolean {
    const flags = target.#flags;
    if ((flags & CALLED) !== 0) {
      if ((flags & SUPPRESS_ALREADY_CALLED) !== 0) {
        target.#flags = flags & ~SUPPRESS_ALREADY_CALLED;
        this.#result = null;
      } else {
        this.#result = new Failure(new AlreadyCalledError("chainDeferred() target has already been fired"));
      }
      return false;
    }
    target.#flags = flags | CALLED;
    target.#canceller = undefined;
    target.#result = this.#result;
    this.#flags |= FORWARDING;
    return true;
  }

  /** Runs one side of a pair; true if the chain is now suspended on another Deferred. */
  #runPair(callback: Step, callbackArgs: readonly unknown[], errback: Step, errbackArgs: readonly unknown[]): boolean {
    const result = this.#result;
    const failed = result instanceof Failure;
    const step = failed ? errback : callback;
    if (step === null) return false;
    const args = failed ? errbackArgs : callbackArgs;
    let value: unknown;
    this.#flags |= RUNNING;
    try {
      value = args.length === 0 ? step(result) : step(result, ...args);
    } catch (error) {
      this.#result = Failure.from(error);
      return false;
    } finally {
      this.#flags &= ~RUNNING;
    }
    return this.#accept(value);
  }

  /**
   * Settles a promise of `asPromise` with the current result, which then goes on down the
   * chain as a callback's return value would (so a thenable result is waited on); true if
   * that suspends the chain. A failure counts as handled.
   */
  #settle(resolve: (value: unknown) => void, reject: (reason: unknown) => void): boolean {
    const result = this.#result;
    // Resolving with a thenable reads its `then`, which may run code: as a callback would.
    this.#flags |= RUNNING;
    try {
      if (result instanceof Failure) {
        this.#settledError = result.value;
        reject(result.value);
      } else {
        resolve(result);
      }
    } finally {
      this.#flags &= ~RUNNING;
    }
    return this.#accept(result);
  }

  /** Takes a callback's return value as the new result; true if it suspends the chain. */
  #accept(value: unknown): boolean {
    if (!maybeThenable(value)) {
      this.#result = value;
      return false;
    }
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
    if ((other.#flags & (CALLED | RUNNING)) === CALLED && other.#paused === 0 && !(other.#result instanceof Deferred)) {
      this.#steal(other);
      return false;
    }
    this.#result = other;
    other.#push(CONTINUE, this, null, null);
    return true;
  }

  /** Takes the result of a settled Deferred returned by a callback, leaving it `null`. */
  #steal(other: Deferred<unknown>): void {
    const result = other.#result;
    if (result instanceof Failure && other.#settledError === result.value) this.#settledError = result.value;
    this.#result = result;
    other.#result = null;
  }

  /** The chain ran as far as it can: drop the spent links and queue the unhandled check. */
  #atRest(): void {
    const links = this.#links;
    if (links !== null && this.#head === links.length) {
      this.#links = null;
      this.#head = 0;
    }
    this.#queueCheck();
  }

  #queueCheck(): void {
    if (this.#result instanceof Failure && (this.#flags & CHECK_QUEUED) === 0) {
      this.#flags |= CHECK_QUEUED;
      queueUnhandledCheck(() => this.#checkUnhandled());
    }
  }

  /**
   * Reports an unhandled failure the chain rests on; if the chain is paused instead, arms
   * the report for when this Deferred is garbage-collected (disarmed when it runs again).
   */
  #checkUnhandled(): void {
    this.#flags &= ~CHECK_QUEUED;
    const result = this.#result;
    if (!(result instanceof Failure) || this.#settledError === result.value) return;
    const links = this.#links;
    if (this.#paused > 0 || (links !== null && this.#head < links.length)) {
      if (this.#collectedReport === null) this.#collectedReport = armCollectedReport(this, result);
      return;
    }
    this.#settledError = result.value;
    reportError(result, UNHANDLED_CONTEXT);
  }
}

installBoundMethods(Deferred.prototype);

/**
 * False for values that cannot be thenables (primitives): a cheap test before `isThenable`,
 * which reads `then` (as the resolve function of a promise does).
 */
function maybeThenable(value: unknown): boolean {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

/** `isThenable(value)`, true when reading `then` throws. */
function thenableOrThrows(value: unknown): boolean {
  try {
    return isThenable(value);
  } catch {
    return true;
  }
}
