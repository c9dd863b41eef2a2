import type { Deferred, ErrorClass, Failure } from "@torsion/defer";
import { DeferredResultError } from "./errors.js";

/**
 * Returns the result of a Deferred that has already succeeded, as Twisted's
 * `successResultOf`. Never waits.
 *
 * @throws DeferredResultError when it has no result yet, or when it failed (the failure
 *   is then marked handled, so it is not also reported as unhandled, and becomes the
 *   `cause`)
 */
export function successResultOf<T>(deferred: Deferred<T>): T {
  const state = deferred.peek();
  if (state.state === "succeeded") return state.result;
  if (state.state === "pending") {
    throw new DeferredResultError(`Success result expected on ${String(deferred)}, found no result instead`);
  }
  consume(deferred);
  throw new DeferredResultError(
    `Success result expected on ${String(deferred)}, found failure result instead: ${state.failure.getTraceback()}`,
    { cause: state.failure.value },
  );
}

/**
 * Returns the Failure of a Deferred that has already failed, and marks it handled (the
 * Deferred's result becomes `undefined`, as in Twisted). With `types`, the failure must
 * be an instance of one of them.
 *
 * @throws DeferredResultError when it has no result yet, succeeded, or failed with
 *   another type
 */
export function failureResultOf<T>(deferred: Deferred<T>, ...types: ErrorClass[]): Failure {
  const state = deferred.peek();
  if (state.state === "pending") {
    throw new DeferredResultError(`Failure result expected on ${String(deferred)}, found no result instead`);
  }
  if (state.state === "succeeded") {
    throw new DeferredResultError(
      `Failure result expected on ${String(deferred)}, found success result (${describe(state.result)}) instead`,
    );
  }
  consume(deferred);
  const failure = state.failure;
  if (types.length > 0 && failure.check(...types) === null) {
    const expected = types.map((t) => t.name).join(", ");
    throw new DeferredResultError(
      `Failure of type (${expected}) expected on ${String(deferred)}, found type ${failure.type.name} instead: ${failure.getTraceback()}`,
      { cause: failure.value },
    );
  }
  return failure;
}

/**
 * Asserts that a Deferred has no result yet (Twisted's `assertNoResult`). A failure
 * found is marked handled and becomes the thrown error's `cause`.
 *
 * @throws DeferredResultError when it already has a result
 */
export function assertNoResult<T>(deferred: Deferred<T>): void {
  const state = deferred.peek();
  if (state.state === "pending") return;
  if (state.state === "succeeded") {
    throw new DeferredResultError(`No result expected on ${String(deferred)}, found ${describe(state.result)} instead`);
  }
  consume(deferred);
  throw new DeferredResultError(`No result expected on ${String(deferred)}, found ${String(state.failure)} instead`, {
    cause: state.failure.value,
  });
}

function consume<T>(deferred: Deferred<T>): void {
  deferred.addErrback(() => undefined);
}

function describe(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
