import { ThrownValueError } from "./errors.js";

/** Any class of error, as accepted by `check` and `trap`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ErrorClass<E extends Error = Error> = abstract new (...args: any[]) => E;

/**
 * An error together with where it came from: the value that travels down a Deferred's
 * error track and the `reason` given to `connectionLost`/`clientConnectionFailed`.
 *
 * Wraps any thrown value. A non-`Error` value is wrapped in {@link ThrownValueError} so
 * that `value` is always an `Error` (the original stays in `value.thrown`).
 */
export class Failure {
  /** The error itself. */
  readonly value: Error;

  constructor(value: unknown) {
    if (value instanceof Failure) {
      this.value = value.value;
    } else {
      this.value = value instanceof Error ? value : new ThrownValueError(value);
    }
  }

  /** Returns `value` as-is when it is a Failure, otherwise wraps it. */
  static from(value: unknown): Failure {
    return value instanceof Failure ? value : new Failure(value);
  }

  /** The class of `value` (its constructor). */
  get type(): ErrorClass {
    return this.value.constructor as ErrorClass;
  }

  /**
   * Returns the first of `types` that `value` is an instance of (subclasses match), or
   * `null` when none matches.
   */
  check<T extends ErrorClass[]>(...types: T): T[number] | null {
    for (const type of types) {
      if (this.value instanceof type) return type;
    }
    return null;
  }

  /**
   * Like {@link check}, but when nothing matches it rethrows `value`, so an errback can
   * say "I handle only these" and let every other error continue down the error track.
   */
  trap<T extends ErrorClass[]>(...types: T): T[number] {
    const match = this.check(...types);
    if (match === null) throw this.value;
    return match;
  }

  /** The error's message (or its string form when it has none). */
  getErrorMessage(): string {
    return this.value.message || String(this.value);
  }

  /** The stack trace, including the chain of `cause`s. */
  getTraceback(): string {
    let text = this.value.stack ?? `${this.value.name}: ${this.value.message}`;
    let cause: unknown = this.value.cause;
    for (let depth = 0; cause !== undefined && depth < 8; depth++) {
      text += `\nCaused by: ${cause instanceof Error ? (cause.stack ?? String(cause)) : String(cause)}`;
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    return text;
  }

  /** Throws `value`. */
  raiseException(): never {
    throw this.value;
  }

  toString(): string {
    return `[Failure instance: ${this.value.name}: ${this.getErrorMessage()}]`;
  }
}
