/** Errors of `@torsion/application`. */
import { TorsionError } from "@torsion/defer";

/** `addService` was given a child whose name another child already has. */
export class DuplicateServiceNameError extends TorsionError {
  override name = "DuplicateServiceNameError";
  override readonly code: string = "ERR_DUPLICATE_SERVICE_NAME";
  constructor(serviceName: string, options?: ErrorOptions) {
    super(`a service named ${JSON.stringify(serviceName)} is already there`, options);
  }
}

/** `setName` on a service that has a parent (Twisted raises `RuntimeError`). */
export class ServiceHasParentError extends TorsionError {
  override name = "ServiceHasParentError";
  override readonly code: string = "ERR_SERVICE_HAS_PARENT";
  constructor(message = "cannot rename a service that has a parent; disown it first", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `getServiceNamed` found no child of that name (Twisted raises `KeyError`). */
export class NoSuchServiceError extends TorsionError {
  override name = "NoSuchServiceError";
  override readonly code: string = "ERR_NO_SUCH_SERVICE";
  constructor(serviceName: string, options?: ErrorOptions) {
    super(`no service named ${JSON.stringify(serviceName)}`, options);
  }
}

/**
 * Ends `react` (or the runner) with a chosen exit code, like Python's `SystemExit`: when
 * `main` fails with it, the process exits with `exitCode` instead of 1.
 */
export class ExitError extends TorsionError {
  override name = "ExitError";
  override readonly code: string = "ERR_EXIT";
  readonly exitCode: number;
  constructor(exitCode: number, message = `exit with code ${String(exitCode)}`, options?: ErrorOptions) {
    super(message, options);
    if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255)
      throw new RangeError(`exitCode must be an integer from 0 to 255, got ${String(exitCode)}`);
    this.exitCode = exitCode;
  }
}
