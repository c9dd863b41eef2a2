/**
 * Twisted-style PID lock files for Unix socket paths: `<path>.lock` is a symbolic link
 * whose target is the owner's process id (created atomically with `symlink`).
 */
import fs from "node:fs";
import createDebug from "debug";

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

/** The pid named by `lockPath`, or `null` when there is no (readable) lock. */
export function readPidLock(lockPath: string): number | null {
  try {
    const target = fs.readlinkSync(lockPath);
    const pid = Number(target);
    return Number.isInteger(pid) ? pid : -1;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    if ((error as NodeJS.ErrnoException).code === "EINVAL") return -1;
    throw error;
  }
}

/** Whether `lockPath` names a live process. */
export function isPidLocked(lockPath: string): boolean {
  const pid = readPidLock(lockPath);
  return pid !== null && processAlive(pid);
}

/**
 * Takes `lockPath` for this process. A lock naming a dead process is replaced (and
 * reported as `stale`); one naming a live process is not touched. Synchronous.
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
    if (owner !== null && processAlive(owner)) return { acquired: false, owner };
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

/** Removes `lockPath` if it names this process. */
export function releasePidLock(lockPath: string): void {
  if (readPidLock(lockPath) !== process.pid) return;
  try {
    fs.unlinkSync(lockPath);
  } catch (error) {
    debug("could not remove %s: %O", lockPath, error);
  }
}
