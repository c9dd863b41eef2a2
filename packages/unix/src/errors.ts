/** Errors of `@torsion/unix` not covered by the core catalogue. */
import { ConnectError } from "@torsion/core";

/**
 * `connectUNIX(..., { checkPID: true })` found no live owner in the `<path>.lock` file
 * (Twisted's `BadFileError`): the attempt fails with it, no connect is tried.
 */
export class BadFileError extends ConnectError {
  override name = "BadFileError";
  override readonly code: string = "ERR_BAD_FILE";
  readonly path: string;
  constructor(path: string, message = `No live process holds the lock of ${path}.`, options?: ErrorOptions) {
    super(message, options);
    this.path = path;
  }
}
