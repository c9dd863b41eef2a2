/**
 * Twisted-style PID lock files for Unix socket paths: `<path>.lock` is a symbolic link
 * whose target is the owner's process id (created atomically with `symlink`).
 */
import fs from "node:fs";
import createDebug from "debug";
import { InvalidLockFileError } from "./errors.js";

const debug = createDebug("torsion:unix:pid-lock");

/** The outcome of {@link acquirePidLock}. */
export type LockResult =
  /** We hold the lock; `stale` tells whether a dead owner's lock was replaced. */
  | { readonly acquired: true; readonly stale: boolean }
  /** A live process (`owner`) holds it. */
  | { readonly acquired: false; readonly owner: number };

/** Whether process `pid` exists (a process we may not signal still counts). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The pid named by the lock `lockPath`, or `null` when there is no file there.
 *
 * @throws InvalidLockFileError if something exists at `lockPath` that is not a PID lock:
 *   not a symbolic link (a regular file, a directory...), or a link whose target is not a
 *   positive decimal process id
 */
export function readPidLock(lockPath: string): number | null {
  let target: string;
  try {
    target = fs.readlinkSync(lockPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "EINVAL") throw new InvalidLockFileError(lockPath, `a ${kindOf(lockPath)}, not a symbolic link`, { cause: error });
    throw error;
  }
  if (!/^[1-9][0-9]{0,9}$/.test(target)) {
    throw new InvalidLockFileError(lockPath, `a symbolic link to ${JSON.stringify(target)}, not to a process id`);
  }
  return Number(target);
}

/** Whether `lockPath` is a PID lock naming a live process (false if it is not a lock). */
export function isPidLocked(lockPath: string): boolean {
  let pid: number | null;
  try {
    pid = readPidLock(lockPath);
  } catch (error) {
    if (error instanceof InvalidLockFileError) return false;
    throw error;
  }
  return pid !== null && processAlive(pid);
}

/** What kind of file `path` is, in words ("regular file", "directory"...), for messages. */
export function kindOf(path: string): string {
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(path);
  } catch {
    return "file that cannot be examined";
  }
  if (stats.isFile()) return "regular file";
  if (stats.isDirectory()) return "directory";
  if (stats.isSymbolicLink()) return "symbolic link";
  if (stats.isFIFO()) return "FIFO";
  if (stats.isSocket()) return "socket";
  return "device file";
}

/**
 * Takes `lockPath` for this process. A lock naming a dead process is replaced (and
 * reported as `stale`); one naming a live process is not touched. Synchronous.
 *
 * @throws InvalidLockFileError if `lockPath` exists and is not a PID lock (it is left
 *   in place)
 */
export function acquirePidLock(lockPath: string): LockResult {
  let stale = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.symlinkSync(String(process.pid), lockPath);
      return { acquired: true, stale };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readPidLock(lockPath);
    if (owner === null) continue; // released meanwhile: try again
    if (processAlive(owner)) return { acquired: false, owner };
    debug("removing stale lock %s (owner %s)", lockPath, owner);
    stale = true;
    try {
      fs.unlinkSync(lockPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  const owner = readPidLock(lockPath) ?? -1;
  return { acquired: false, owner };
}

/** Removes `lockPath` if it is a PID lock naming this process. */
export function releasePidLock(lockPath: string): void {
  let owner: number | null;
  try {
    owner = readPidLock(lockPath);
  } catch (error) {
    debug("not releasing %s: %O", lockPath, error);
    return;
  }
  if (owner !== process.pid) return;
  try {
    fs.unlinkSync(lockPath);
  } catch (error) {
    debug("could not remove %s: %O", lockPath, error);
  }
}
