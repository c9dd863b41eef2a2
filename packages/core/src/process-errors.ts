/**
 * The reasons and errors of the process contract (`twisted.internet.error`'s process
 * classes). They live in core so that every implementation of `IProcessTransport` (the
 * real one in `@torsion/process` and the fakes of `@torsion/testing`) can produce them.
 */
import { TorsionError } from "@torsion/defer";
import { ConnectionDone, ConnectionLost } from "./errors.js";

/** How a child process ended, as given to `ProcessTerminated`. */
export interface ProcessStatus {
  /** The exit code, or `null` when a signal ended the process (or it never started). */
  readonly exitCode: number | null;
  /** The number of the signal that ended the process, or `null`. */
  readonly signal: number | null;
  /**
   * The raw wait status, as Twisted gives it: `exitCode << 8`, or the signal number.
   * (Node does not expose the core-dump bit, so it is never set.) `null` when the process
   * never started.
   */
  readonly status?: number | null;
  /** The signal's name (`"SIGTERM"`), when known. */
  readonly signalName?: string | null;
}

/** The raw wait status Twisted reports for an exit code or a signal number. */
export function waitStatus(exitCode: number | null, signal: number | null): number | null {
  if (signal !== null) return signal;
  if (exitCode !== null) return (exitCode & 0xff) << 8;
  return null;
}

/**
 * The reason given to `processExited`/`processEnded` when the child exited with code 0
 * and no signal. A `ConnectionDone`, as in Twisted.
 */
export class ProcessDone extends ConnectionDone {
  override name = "ProcessDone";
  override readonly code: string = "ERR_PROCESS_DONE";
  readonly exitCode = 0;
  readonly signal = null;
  readonly signalName = null;
  /** Always 0. */
  readonly status: number;

  constructor(status = 0, options?: ErrorOptions) {
    super("A process has ended without apparent errors: process finished with exit code 0.", options);
    this.status = status;
  }
}

/**
 * The reason given to `processExited`/`processEnded` when the child exited with a
 * non-zero code, was killed by a signal, or never started (see {@link ProcessSpawnError}).
 * A `ConnectionLost`, as in Twisted.
 */
export class ProcessTerminated extends ConnectionLost {
  override name = "ProcessTerminated";
  override readonly code: string = "ERR_PROCESS_TERMINATED";
  /** The exit code, or `null` when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal number, or `null`. */
  readonly signal: number | null;
  /** The signal's name (`"SIGKILL"`), or `null`. */
  readonly signalName: string | null;
  /** The raw wait status (`exitCode << 8` or the signal number); `null` if it never ran. */
  readonly status: number | null;

  constructor(process: ProcessStatus, message?: string, options?: ErrorOptions) {
    super(message ?? describeStatus(process), options);
    this.exitCode = process.exitCode;
    this.signal = process.signal;
    this.signalName = process.signalName ?? null;
    this.status = process.status === undefined ? waitStatus(process.exitCode, process.signal) : process.status;
  }
}

function describeStatus(process: ProcessStatus): string {
  const parts: string[] = [];
  if (process.exitCode !== null) parts.push(`process ended with exit code ${process.exitCode}`);
  if (process.signal !== null) parts.push(`process ended by signal ${process.signalName ?? process.signal}`);
  if (parts.length === 0) parts.push("process ended");
  return `A process has ended with a probable error condition: ${parts.join(", ")}.`;
}

/**
 * The child could not be started at all: the executable does not exist, is not
 * executable, the working directory is missing, ... It is the reason given to both
 * `processExited` and `processEnded` (after every pipe was reported lost), with
 * `exitCode` and `signal` both `null`; `cause` is Node's system error (`errno` code in
 * `errnoCode`). Twisted reports this case as exit code 1 plus a traceback on stderr,
 * which cannot be told apart from a program exiting with 1; Torsion reports it distinctly.
 */
export class ProcessSpawnError extends ProcessTerminated {
  override name = "ProcessSpawnError";
  override readonly code: string = "ERR_PROCESS_SPAWN";
  /** The executable that could not be run, as given to `spawnProcess`. */
  readonly executable: string;
  /** The system error code, e.g. `"ENOENT"` or `"EACCES"`. */
  readonly errnoCode: string;

  constructor(executable: string, errnoCode: string, options?: ErrorOptions) {
    super({ exitCode: null, signal: null, status: null }, `could not start process ${JSON.stringify(executable)}: ${errnoCode}`, options);
    this.executable = executable;
    this.errnoCode = errnoCode;
  }
}

/** `signalProcess` was called on a process that has already exited (been reaped). */
export class ProcessExitedAlready extends TorsionError {
  override name = "ProcessExitedAlready";
  override readonly code: string = "ERR_PROCESS_EXITED_ALREADY";
  constructor(message = "The process has already exited.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** A malformed `childFDs` entry, or a child fd that is not a pipe of the kind the call needs. */
export class ChildFDError extends TorsionError {
  override name = "ChildFDError";
  override readonly code: string = "ERR_CHILD_FD";
}
