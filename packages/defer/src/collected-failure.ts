/**
 * Garbage-collection-time reporting of failures that a Deferred still holds while paused
 * (see `Deferred`, "Unhandled failures"). Internal.
 *
 * A paused Deferred cannot report its failure when its chain comes to rest, because an
 * `unpause()` may still hand the failure to an errback. If it is never unpaused, the only
 * moment we know nobody will handle the failure is when the Deferred itself is collected.
 * The registry holds, for each armed Deferred, a token with only the {@link Failure}: never
 * the Deferred, so the registry does not keep it alive. (An error that itself refers to its
 * Deferred, e.g. as a property, keeps it alive: such a failure is never reported.)
 */
import { reportError } from "./error-reporter.js";
import type { Failure } from "./failure.js";
import { UNHANDLED_CONTEXT } from "./unhandled-check.js";

/** What the registry keeps for one armed Deferred; also its unregister token. */
export interface CollectedFailureToken {
  readonly failure: Failure;
}

const registry = new FinalizationRegistry<CollectedFailureToken>((token) => {
  reportError(token.failure, UNHANDLED_CONTEXT);
});

/**
 * Reports `failure` through `reportError` when `deferred` is garbage-collected, unless
 * {@link disarmCollectedReport} is called with the returned token first.
 */
export function armCollectedReport(deferred: object, failure: Failure): CollectedFailureToken {
  // V8 keeps the functions and receivers of an error's stack frames (the Deferred among
  // them) until its `stack` is first read; reading it now turns them into a string.
  failure.getTraceback();
  const token: CollectedFailureToken = { failure };
  registry.register(deferred, token, token);
  return token;
}

/** Cancels the report armed with `token`. */
export function disarmCollectedReport(token: CollectedFailureToken): void {
  registry.unregister(token);
}
