/** Errors of `@torsion/unix` not covered by the core catalogue. */
import { ConnectError } from "@torsion/core";
import { TorsionError } from "@torsion/defer";

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

/**
 * A `<path>.lock` file exists but is not a PID lock (a symbolic link whose target is a
 * process id): a regular file, a directory, or a link to something else. Torsion never
 * deletes it; `listenUNIX(..., { wantPID: true })` fails with a `CannotListenError` caused
 * by this error.
 */
export class InvalidLockFileError extends TorsionError {
  override name = "InvalidLockFileError";
  override readonly code: string = "ERR_INVALID_LOCK_FILE";
  /** The lock file's path. */
  readonly path: string;
  constructor(path: string, why: string, options?: ErrorOptions) {
    super(`${path} is not a PID lock file (${why}); it was left in place`, options);
    this.path = path;
  }
}

/**
 * With `wantPID`, the lock of a dead process marks the socket path as stale, but the path
 * is not a socket (a regular file, a directory, a symbolic link...). Torsion removes only
 * sockets; `listenUNIX` fails with a `CannotListenError` caused by this error.
 */
export class NotASocketError extends TorsionError {
  override name = "NotASocketError";
  override readonly code: string = "ERR_NOT_A_SOCKET";
  /** The path that is not a socket. */
  readonly path: string;
  constructor(path: string, kind: string, options?: ErrorOptions) {
    super(`${path} is ${kind}, not a socket; it was left in place`, options);
    this.path = path;
  }
}
