/**
 * The errors specific to `@torsion/reactor`. The reactor's other errors
 * (`ReactorNotRunning`, `ReactorAlreadyRunning`, `UnsupportedAddressFamily`, ...) come from
 * the catalogue in `@torsion/core`.
 */
import { TorsionError } from "@torsion/defer";

/** `removeSystemEventTrigger` was given an id that is not registered (never was, already fired, or already removed). */
export class UnknownTriggerError extends TorsionError {
  override name = "UnknownTriggerError";
  override readonly code = "ERR_UNKNOWN_SYSTEM_EVENT_TRIGGER";
}

/** `addSystemEventTrigger` was given a phase other than `"before"`, `"during"` or `"after"`. */
export class InvalidEventPhaseError extends TorsionError {
  override name = "InvalidEventPhaseError";
  override readonly code = "ERR_INVALID_EVENT_PHASE";
}

/**
 * Reported (never thrown) when `stop()` gave up waiting for ports or connections that did
 * not finish closing within the shutdown grace period plus a margin.
 */
export class ShutdownTimeoutError extends TorsionError {
  override name = "ShutdownTimeoutError";
  override readonly code = "ERR_SHUTDOWN_TIMEOUT";
}
