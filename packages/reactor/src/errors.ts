/**
 * The errors specific to `@torsion/reactor`. The reactor's other errors
 * (`ReactorNotRunning`, `ReactorAlreadyRunning`, `UnsupportedAddressFamily`, ...) come from
 * the catalogue in `@torsion/core`.
 */
import { TorsionError } from "@torsion/defer";

/**
 * The system-event contract errors live in `@torsion/core` (so `MemoryReactor` throws the
 * same classes); re-exported here for existing imports.
 */
export { InvalidEventPhaseError, UnknownTriggerError } from "@torsion/core";

/**
 * Reported (never thrown) when `stop()` gave up waiting for ports or connections that did
 * not finish closing within the shutdown grace period plus a margin.
 */
export class ShutdownTimeoutError extends TorsionError {
  override name = "ShutdownTimeoutError";
  override readonly code = "ERR_SHUTDOWN_TIMEOUT";
}
