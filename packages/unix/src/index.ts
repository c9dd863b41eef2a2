export { listenUNIX, connectUNIX, isAbstract, type UNIXListenOptions, type UNIXConnectOptions } from "./unix.js";
export { acquirePidLock, releasePidLock, readPidLock, isPidLocked, processAlive, type LockResult } from "./pid-lock.js";
export { BadFileError, InvalidLockFileError, NotASocketError } from "./errors.js";
