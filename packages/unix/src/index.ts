export { listenUNIX, connectUNIX, isAbstract, type UNIXListenOptions, type UNIXConnectOptions } from "./unix.js";
export { acquirePidLock, releasePidLock, readPidLock, isPidLocked, processAlive, type LockResult } from "./pid-lock.js";
export * from "./errors.js";
