import { CancelledError, TorsionError } from "@torsion/defer";
import { ReactorNotRunning } from "@torsion/core";
import {
  BlockingCallTimeout,
  PoolStopped,
  RemoteError,
  TaskNotFound,
  UnknownMainThreadFunction,
  WorkerCrashed,
  WrongThreadError,
} from "./errors.js";

/** An error as it crosses between threads (structured clone drops custom classes). */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: unknown;
  /** Own enumerable properties that survive structured clone. */
  readonly props: Record<string, unknown>;
  readonly cause?: SerializedError | { readonly value: unknown };
  /** Set when a non-Error value was thrown. */
  readonly thrown?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyErrorClass = abstract new (...args: any[]) => Error;

const classes = new Map<string, AnyErrorClass>();
for (const cls of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) classes.set(cls.name, cls);
for (const cls of [
  TaskNotFound,
  BlockingCallTimeout,
  WrongThreadError,
  UnknownMainThreadFunction,
  WorkerCrashed,
  PoolStopped,
  ReactorNotRunning,
  CancelledError,
]) {
  classes.set(cls.name, cls);
}

/**
 * Makes errors named `name` (default: the class's name) arrive as instances of `cls`
 * when they cross between threads. Register it on the side that receives them (the main
 * thread for task errors). The instance is built without calling the constructor; its
 * `name`, `message`, `code`, `stack` and own properties are the remote ones.
 */
export function registerErrorClass(cls: AnyErrorClass, name: string = cls.name): void {
  classes.set(name, cls);
}

const SKIPPED = new Set(["name", "message", "stack", "code", "cause"]);
const MAX_CAUSE_DEPTH = 4;

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Turns anything thrown into a {@link SerializedError}; never throws. */
export function serializeError(error: unknown, depth = 0): SerializedError {
  try {
    if (!(error instanceof Error)) {
      return {
        name: "Error",
        message: `non-Error value thrown: ${safeString(error)}`,
        stack: undefined,
        code: undefined,
        props: {},
        thrown: true,
      };
    }
    const props: Record<string, unknown> = {};
    for (const key of Object.keys(error)) {
      if (SKIPPED.has(key)) continue;
      const value = (error as unknown as Record<string, unknown>)[key];
      if (cloneable(value)) props[key] = value;
    }
    const rawCode = (error as { code?: unknown }).code;
    const serialized: SerializedError = {
      name: typeof error.name === "string" ? error.name : "Error",
      message: typeof error.message === "string" ? error.message : safeString(error.message),
      stack: typeof error.stack === "string" ? error.stack : undefined,
      code: cloneable(rawCode) ? rawCode : undefined,
      props,
    };
    const cause = error.cause;
    if (cause === undefined || depth >= MAX_CAUSE_DEPTH) return serialized;
    return {
      ...serialized,
      cause: cause instanceof Error ? serializeError(cause, depth + 1) : { value: cloneable(cause) ? cause : safeString(cause) },
    };
  } catch (failure) {
    return { name: "Error", message: `unserializable error: ${safeString(failure)}`, stack: undefined, code: undefined, props: {} };
  }
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: !SKIPPED.has(key) || key === "code" });
}

/**
 * Rebuilds a {@link SerializedError}: an instance of the registered class of that name
 * (builtins, Torsion's thread errors and `ReactorNotRunning` are registered), otherwise a
 * {@link RemoteError} whose `name` and `remoteName` are the remote class name.
 */
export function rebuildError(serialized: SerializedError): Error {
  const cls = classes.get(serialized.name);
  const error: Error =
    cls !== undefined ? (Object.create(cls.prototype as object) as Error) : (Object.create(RemoteError.prototype) as RemoteError);
  if (cls === undefined) define(error, "remoteName", serialized.name);
  define(error, "name", serialized.name);
  define(error, "message", serialized.message);
  const stack = serialized.stack ?? `${serialized.name}: ${serialized.message}`;
  define(error, "stack", `${stack}\n    at <worker thread>`);
  if (serialized.code !== undefined) define(error, "code", serialized.code);
  else if (cls === undefined) define(error, "code", "ERR_REMOTE");
  else if (error instanceof TorsionError) define(error, "code", (error as { readonly code: string }).code);
  for (const [key, value] of Object.entries(serialized.props)) define(error, key, value);
  if (serialized.cause !== undefined) {
    define(error, "cause", "name" in serialized.cause ? rebuildError(serialized.cause) : serialized.cause.value);
  }
  return error;
}
