/** Errors of `@torsion/logger`. */
import { TorsionError } from "@torsion/defer";

/** A level name that is not one of `debug`, `info`, `warn`, `error`, `critical`. */
export class InvalidLogLevelError extends TorsionError {
  override name = "InvalidLogLevelError";
  override readonly code: string = "ERR_INVALID_LOG_LEVEL";
  constructor(level: string, options?: ErrorOptions) {
    super(`unknown log level ${JSON.stringify(level)}; expected one of debug, info, warn, error, critical`, options);
  }
}
