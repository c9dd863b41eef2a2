/**
 * The errors of `@torsion/process`. The reasons given to process protocols
 * (`ProcessDone`, `ProcessTerminated`, `ProcessSpawnError`) and `ProcessExitedAlready`
 * belong to the contract and live in `@torsion/core`.
 */
import { TorsionError, type Deferred } from "@torsion/defer";

/** `usePTY` was requested: Node's core cannot allocate a pseudo-terminal. */
export class PTYNotSupportedError extends TorsionError {
  override name = "PTYNotSupportedError";
  override readonly code: string = "ERR_PTY_NOT_SUPPORTED";
  constructor(
    message = "usePTY is not supported: Node.js core cannot allocate a pseudo-terminal without a native addon " +
      "(such as node-pty), and Torsion's packages depend on no native code. Use pipes (childFDs), or run the " +
      "program under `script -qfec CMD /dev/null` if it insists on a terminal.",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A second producer was registered with a process transport: the consumer contract's error, from core. */
export { ProducerAlreadyRegisteredError } from "@torsion/core";

/**
 * `getProcessOutput` without `errortoo`: the child wrote to stderr (Twisted's
 * `_UnexpectedErrorOutput`, an `IOError`). The first stderr chunk is in `output`;
 * `processEnded` fires (with the process's reason, as a failure) once the child has ended.
 */
export class UnexpectedErrorOutput extends TorsionError {
  override name = "UnexpectedErrorOutput";
  override readonly code: string = "ERR_UNEXPECTED_ERROR_OUTPUT";
  /** The first bytes the child wrote to stderr. */
  readonly output: Buffer;
  /** Errbacks with the process's end reason once it has ended. */
  readonly processEnded: Deferred<never>;

  constructor(output: Buffer, processEnded: Deferred<never>, options?: ErrorOptions) {
    super(`got stderr: ${JSON.stringify(output.toString("latin1").slice(0, 200))}`, options);
    this.output = output;
    this.processEnded = processEnded;
  }
}

/**
 * `getProcessOutputAndValue`: the child was killed by a signal (Twisted errbacks with the
 * tuple `(out, err, signal)`; Torsion with this error carrying the same three).
 */
export class ProcessSignalledError extends TorsionError {
  override name = "ProcessSignalledError";
  override readonly code: string = "ERR_PROCESS_SIGNALLED";
  readonly out: Buffer;
  readonly err: Buffer;
  readonly signal: number;

  constructor(out: Buffer, err: Buffer, signal: number, options?: ErrorOptions) {
    super(`process was killed by signal ${signal}`, options);
    this.out = out;
    this.err = err;
    this.signal = signal;
  }
}
