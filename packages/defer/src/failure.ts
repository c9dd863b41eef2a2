import { ThrownValueError } from "./errors.js";

/** Any class of error, as accepted by `check` and `trap`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ErrorClass<E extends Error = Error> = abstract new (...args: any[]) => E;

/**
 * An error together with where it came from: the value that travels down a Deferred's
 * error track and the `reason` given to `connectionLost`/`clientConnectionFailed`.
 *
 * Wraps any thrown value. A non-`Error` value is wrapped in {@link ThrownValueError} so
 * that `value` is always an `Error` (the original stays in `value.thrown`). Any value at
 * all is accepted, including hostile ones (a revoked proxy, an error whose `message`,
 * `stack` or `toString` throws): neither the constructor nor the describing methods
 * (`getErrorMessage`, `getTraceback`, `toString`, `type`, `check`) ever throw.
 */
export class Failure {
  /** The error itself. */
  readonly value: Error;

  constructor(value: unknown) {
    if (isFailure(value)) {
      this.value = value.value;
    } else {
      this.value = isError(value) ? value : new ThrownValueError(value);
    }
  }

  /** Returns `value` as-is when it is a Failure, otherwise wraps it. */
  static from(value: unknown): Failure {
    return isFailure(value) ? value : new Failure(value);
  }

  /** The class of `value` (its constructor). */
  get type(): ErrorClass {
    const type = safely(() => this.value.constructor, undefined);
    return typeof type === "function" ? (type as ErrorClass) : Error;
  }

  /**
   * Returns the first of `types` that `value` is an instance of (subclasses match), or
   * `null` when none matches.
   */
  check<T extends ErrorClass[]>(...types: T): T[number] | null {
    for (const type of types) {
      if (safely(() => this.value instanceof type, false)) return type;
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
    const message = safely(() => this.value.message, undefined);
    return typeof message === "string" && message !== "" ? message : describeValue(this.value);
  }

  /** The stack trace, including the chain of `cause`s. */
  getTraceback(): string {
    const value = this.value;
    let text = stackOf(value);
    let cause: unknown = safely(() => value.cause, undefined);
    for (let depth = 0; cause !== undefined && depth < 8; depth++) {
      const current: unknown = cause;
      const isErr = isError(current);
      text += `\nCaused by: ${isErr ? stackOf(current) : describeValue(current)}`;
      cause = isErr ? safely(() => current.cause, undefined) : undefined;
    }
    return text;
  }

  /** Throws `value`. */
  raiseException(): never {
    throw this.value;
  }

  toString(): string {
    return `[Failure instance: ${nameOf(this.value)}: ${this.getErrorMessage()}]`;
  }
}

/** Runs `read`; a throw (a hostile getter, a revoked proxy) gives `fallback` instead. */
function safely<T, F>(read: () => T, fallback: F): T | F {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** `value instanceof Failure`, false when even asking throws (a revoked proxy). */
function isFailure(value: unknown): value is Failure {
  // Not through `safely`: this runs on every failure, and a closure per call is avoidable.
  try {
    return value instanceof Failure;
  } catch {
    return false;
  }
}

/** `value instanceof Error`, false when even asking throws (a revoked proxy). */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

function nameOf(error: Error): string {
  const name = safely(() => error.name, undefined);
  return typeof name === "string" ? name : "Error";
}

function stackOf(error: Error): string {
  const stack = safely(() => error.stack, undefined);
  if (typeof stack === "string") return stack;
  const message = safely(() => error.message, undefined);
  return `${nameOf(error)}: ${typeof message === "string" ? message : describeValue(error)}`;
}

/** A printable form of any value: `String(value)`, else its tag, else a placeholder. */
function describeValue(value: unknown): string {
  return safely(() => String(value), undefined) ?? safely(() => Object.prototype.toString.call(value), "[unprintable value]");
}
