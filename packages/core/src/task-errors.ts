/**
 * Errors of the timed tasks (`LoopingCall`, `deferLater`). They live apart from
 * `errors.ts` (the network catalogue) because they belong to `@torsion/core`'s task
 * helpers only.
 */
import { TorsionError } from "@torsion/defer";

/**
 * A `LoopingCall` was used in the wrong state: `start()` while it is running, `stop()` or
 * `reset()` while it is not (Twisted raises `AssertionError` in these cases). Thrown
 * synchronously; the loop's state is unchanged.
 */
export class LoopingCallStateError extends TorsionError {
  override name = "LoopingCallStateError";
  override readonly code = "ERR_LOOPING_CALL_STATE";
}
