/**
 * Values a buggy or hostile callback may throw or reject with, and the three ways a
 * callback can fail (throw, a rejected promise, a failed Deferred), for the
 * "nothing crashes the reactor" tests of every transport.
 */
import { fail as failed, ThrownValueError, type Failure } from "@torsion/defer";
import type { CallbackResult } from "@torsion/core";

/** A named hostile value (built fresh each time: some are single-use). */
export interface HostileValue {
  readonly name: string;
  readonly value: unknown;
}

/** Every kind of value the transports must survive being thrown. */
export function hostileValues(): HostileValue[] {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const badMessage = new Error("hidden");
  Object.defineProperty(badMessage, "stack", {
    get: () => {
      throw new Error("stack getter");
    },
  });
  Object.defineProperty(badMessage, "message", {
    get: () => {
      throw new Error("message getter");
    },
  });
  return [
    { name: "a null-prototype object", value: Object.create(null) },
    {
      name: "an object whose toString throws",
      value: {
        toString: () => {
          throw new Error("toString");
        },
      },
    },
    {
      name: "an object with a throwing getter",
      value: Object.defineProperty({}, "message", {
        get: () => {
          throw new Error("getter");
        },
        enumerable: true,
      }),
    },
    { name: "a symbol", value: Symbol("thrown") },
    { name: "undefined", value: undefined },
    { name: "a revoked proxy", value: revocable.proxy },
    { name: "an Error whose message and stack getters throw", value: badMessage },
    { name: "a plain Error", value: new Error("plain") },
  ];
}

/** How a callback fails with a value. */
export interface FailureMode {
  readonly name: string;
  /** Fails with `value`: throws it, or returns a promise/Deferred that fails with it. */
  run(value: unknown): CallbackResult;
}

export const FAILURE_MODES: readonly FailureMode[] = [
  {
    name: "throws",
    run: (value) => {
      throw value;
    },
  },
  {
    name: "returns a rejected promise",
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- hostile values are deliberately not Errors: rejecting with each is the point
    run: (value) => Promise.reject(value),
  },
  { name: "returns a failed Deferred", run: (value) => failed(value) },
];

/** The original value behind an error Torsion reported or gave as a reason. */
export function thrownOf(error: unknown): unknown {
  return error instanceof ThrownValueError ? error.thrown : error;
}

/** Whether `failure` (a connectionLost reason) carries exactly `value`. */
export function carries(failure: Failure | null, value: unknown): boolean {
  return failure !== null && thrownOf(failure.value) === value;
}
