import fs from "node:fs";
import type net from "node:net";
import { connect } from "node:net";
import createDebug from "debug";
import {
  CannotListenError,
  UNIXAddress,
  type ConnectUNIXOptions,
  type IClientFactory,
  type IProtocolFactory,
  type ITransportHost,
  type ListenUNIXOptions,
} from "@torsion/core";
import {
  StreamConnector,
  StreamPort,
  type OnRead,
  type SocketAddresses,
  type StreamConnectorTarget,
  type StreamPortBinding,
  type StreamTuning,
} from "@torsion/stream";
import { listenSync } from "@torsion/stream/internal";
import { BadFileError } from "./errors.js";
import { acquirePidLock, isPidLocked, releasePidLock } from "./pid-lock.js";
import { checkConnectPath, checkListenPath, removeStaleSocket } from "./socket-path.js";

const debug = createDebug("torsion:unix:unix");

/** `listenUNIX` options: core's, plus the stream tuning of `@torsion/tcp`. */
export interface UNIXListenOptions extends ListenUNIXOptions, StreamTuning {}

/** `connectUNIX` options: core's, plus the stream tuning of `@torsion/tcp`. */
export interface UNIXConnectOptions extends ConnectUNIXOptions, StreamTuning {}

/** Whether `address` is a Linux abstract-namespace name (no file on disk). */
export function isAbstract(address: string): boolean {
  return address.startsWith("\0");
}

class UNIXBinding implements StreamPortBinding<UNIXAddress> {
  readonly noDelay = false;
  readonly resetOnAbort = false;
  readonly #path: string;
  readonly #backlog: number;
  readonly #mode: number;
  readonly #wantPID: boolean;
  /** The addresses of every accepted connection (immutable, so shared). */
  readonly #accepted: SocketAddresses;
  #ownsFile = false;
  #ownsLock = false;

  constructor(path: string, options: ListenUNIXOptions) {
    this.#path = path;
    this.#backlog = options.backlog ?? 50;
    this.#mode = options.mode ?? 0o666;
    this.#wantPID = options.wantPID ?? false;
    this.#accepted = { peer: new UNIXAddress(null), local: new UNIXAddress(path) };
  }

  get #lockPath(): string {
    return `${this.#path}.lock`;
  }

  bind(server: net.Server, onLateError: (error: Error) => void): void {
    checkListenPath(this.#path);
    if (this.#wantPID && !isAbstract(this.#path)) this.#lock();
    const result = listenSync(server, { path: this.#path, backlog: this.#backlog });
    if (result.state === "failed") {
      this.#releaseLock();
      throw new CannotListenError("", this.#path, result.error);
    }
    if (result.state === "pending") server.once("error", onLateError);
    if (isAbstract(this.#path)) return;
    this.#ownsFile = true;
    try {
      fs.chmodSync(this.#path, this.#mode);
    } catch (error) {
      server.close();
      this.cleanup();
      throw new CannotListenError("", this.#path, error);
    }
  }

  /** wantPID: take `<path>.lock`; if its previous owner died, the socket file is stale. */
  #lock(): void {
    let result;
    try {
      result = acquirePidLock(this.#lockPath);
    } catch (error) {
      throw new CannotListenError("", this.#path, error);
    }
    if (!result.acquired) throw new CannotListenError("", this.#path, `the lock ${this.#lockPath} is held by live process ${result.owner}`);
    this.#ownsLock = true;
    if (!result.stale) return;
    try {
      removeStaleSocket(this.#path);
    } catch (error) {
      this.#releaseLock();
      throw new CannotListenError("", this.#path, error);
    }
  }

  #releaseLock(): void {
    if (!this.#ownsLock) return;
    this.#ownsLock = false;
    releasePidLock(this.#lockPath);
  }

  localAddress(): UNIXAddress {
    return new UNIXAddress(this.#path);
  }

  addresses(): SocketAddresses {
    return this.#accepted;
  }

  /** Removes the socket file this port created, and its lock file. */
  cleanup(): void {
    if (this.#ownsFile) {
      this.#ownsFile = false;
      try {
        fs.unlinkSync(this.#path);
      } catch (error) {
        debug("could not remove %s: %O", this.#path, error);
      }
    }
    this.#releaseLock();
  }
}

/**
 * Listens on the Unix socket `address` (a path, or a Linux abstract name starting with
 * `"\0"`). The socket file gets `options.mode` (default 0o666) right after binding and
 * is removed by `stopListening` (with its lock file).
 *
 * Existing paths are never taken over silently: without `wantPID`, an existing file
 * (stale or live) makes `listenUNIX` throw `CannotListenError` (`EADDRINUSE`), as in
 * Twisted. With `wantPID: true`, `<path>.lock` names the owner's pid: a lock held by a
 * live process throws `CannotListenError`; a lock left by a dead process is replaced and
 * the stale socket removed before binding, but only if it is a socket: any other file
 * there (or a `<path>.lock` that is not a PID lock) is left alone and `listenUNIX` throws
 * `CannotListenError` (caused by `NotASocketError` / `InvalidLockFileError`). Errors are
 * thrown synchronously.
 * An abstract address has no file: `mode` and `wantPID` do not apply to it.
 * A path longer than 107 UTF-8 bytes (108 with its NUL: Linux's `sun_path`), an abstract
 * name longer than 107 bytes after its NUL, or a NUL byte inside the path throws
 * `CannotListenError` before any system call (the kernel would bind a truncated path).
 */
export function listenUNIX(
  host: ITransportHost,
  address: string,
  factory: IProtocolFactory,
  options: UNIXListenOptions = {},
): StreamPort<UNIXAddress> {
  const port = new StreamPort<UNIXAddress>(host, factory, new UNIXBinding(address, options), tuningOf(options));
  port.startListening();
  return port;
}

class UNIXTarget implements StreamConnectorTarget {
  readonly noDelay = false;
  readonly resetOnAbort = false;
  readonly destination: UNIXAddress;
  readonly #path: string;
  readonly #checkPID: boolean;

  constructor(path: string, checkPID: boolean) {
    this.#path = path;
    this.#checkPID = checkPID;
    this.destination = new UNIXAddress(path);
  }

  open(onread: OnRead | undefined, writableHighWaterMark: number): net.Socket {
    checkConnectPath(this.#path);
    if (this.#checkPID && !isPidLocked(`${this.#path}.lock`)) throw new BadFileError(this.#path);
    return connect({
      path: this.#path,
      allowHalfOpen: true,
      writableHighWaterMark,
      ...(onread === undefined ? {} : { onread }),
    } as net.IpcNetConnectOpts);
  }

  addresses(): SocketAddresses {
    return { peer: new UNIXAddress(this.#path), local: new UNIXAddress(null) };
  }
}

/**
 * Connects to the Unix socket `address` and starts at once; events reach the factory as
 * for `connectTCP`. A missing or refusing path fails with `ConnectionRefusedError`;
 * `options.timeout` (default 30 s) with `TimeoutError`; with `checkPID: true` and no live
 * owner in `<path>.lock`, with `BadFileError` (no connect is tried). A path the kernel
 * cannot take whole (over-long or with an inner NUL, as for `listenUNIX`) fails with
 * `BadUNIXPathError`, also without a connect: a truncated path could reach another socket.
 */
export function connectUNIX(
  host: ITransportHost,
  address: string,
  factory: IClientFactory,
  options: UNIXConnectOptions = {},
): StreamConnector {
  const target = new UNIXTarget(address, options.checkPID ?? false);
  const connector = new StreamConnector(host, factory, target, {
    ...tuningOf(options),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  });
  connector.connect();
  return connector;
}

function tuningOf(options: StreamTuning): StreamTuning {
  return {
    ...(options.fastPath === undefined ? {} : { fastPath: options.fastPath }),
    ...(options.fastAccept === undefined ? {} : { fastAccept: options.fastAccept }),
    ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }),
  };
}
