/**
 * Checks a Unix socket path (or Linux abstract name) before any system call, so that it is
 * never silently cut short. The kernel copies at most `sizeof(sun_path)` bytes of the
 * address, and libuv/Node stop at the first NUL byte: an over-long path would bind (and
 * leave on disk) its prefix, or connect to whatever socket lives at its prefix.
 */
import fs from "node:fs";
import { BadUNIXPathError, CannotListenError } from "@torsion/core";
import createDebug from "debug";
import { NotASocketError } from "./errors.js";
import { kindOf } from "./pid-lock.js";

const debug = createDebug("torsion:unix:socket-path");

/**
 * The size of `sockaddr_un.sun_path` on this platform: 108 bytes on Linux, 104 on macOS and
 * the BSDs.
 */
export const SUN_PATH_SIZE: number = ["darwin", "freebsd", "openbsd", "netbsd"].includes(process.platform) ? 104 : 108;

/**
 * The longest file-system socket path, in UTF-8 bytes: `sun_path` minus the terminating NUL
 * (`unix(7)`: for portability the path, NUL included, must fit in `sun_path`).
 */
export const MAX_UNIX_PATH_BYTES: number = SUN_PATH_SIZE - 1;

/** The longest abstract name, in UTF-8 bytes after the leading NUL (which takes one byte). */
export const MAX_ABSTRACT_NAME_BYTES: number = SUN_PATH_SIZE - 1;

/**
 * What is wrong with `address` as a Unix socket address, or `null` if the kernel can take
 * it whole. Lengths are UTF-8 byte lengths, as the kernel sees them.
 */
export function socketPathProblem(address: string): string | null {
  if (address.length === 0) return "empty Unix socket path";
  const abstract = address.startsWith("\0");
  const name = abstract ? address.slice(1) : address;
  if (name.includes("\0")) {
    return `Unix socket ${abstract ? "abstract name" : "path"} contains a NUL byte, which would cut it short`;
  }
  const bytes = Buffer.byteLength(name, "utf8");
  if (abstract && bytes > MAX_ABSTRACT_NAME_BYTES) {
    return (
      `Unix socket abstract name is ${bytes} bytes long (UTF-8); the limit on ${process.platform} is ` +
      `${MAX_ABSTRACT_NAME_BYTES} bytes after the leading NUL (sun_path holds ${SUN_PATH_SIZE} bytes)`
    );
  }
  if (!abstract && bytes > MAX_UNIX_PATH_BYTES) {
    return (
      `Unix socket path is ${bytes} bytes long (UTF-8); the limit on ${process.platform} is ` +
      `${MAX_UNIX_PATH_BYTES} bytes (sun_path holds ${SUN_PATH_SIZE} bytes including the terminating NUL)`
    );
  }
  return null;
}

/** For `listenUNIX`: throws `CannotListenError` (cause: a `RangeError`) for a bad path. */
export function checkListenPath(address: string): void {
  const problem = socketPathProblem(address);
  if (problem !== null) throw new CannotListenError("", address, new RangeError(problem));
}

/** For `connectUNIX`: throws {@link BadUNIXPathError} for a bad path. */
export function checkConnectPath(address: string): void {
  const problem = socketPathProblem(address);
  if (problem !== null) throw new BadUNIXPathError(address, `${problem}.`);
}

/**
 * For `wantPID` after a dead owner's lock: removes the stale socket at `path`, if any.
 * Only a socket is removed (checked with `lstat`, so a symbolic link is not followed).
 *
 * @throws NotASocketError if `path` exists and is not a socket (it is left in place)
 */
export function removeStaleSocket(path: string): void {
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (!stats.isSocket()) throw new NotASocketError(path, `a ${kindOf(path)}`);
  debug("removing stale socket file %s", path);
  try {
    fs.unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
