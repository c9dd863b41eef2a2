/**
 * The ONLY module that relies on undocumented Node internals. Each trick is
 * feature-detected and has a documented fallback:
 *
 * 1. Fast accept: an accepted socket (from a server created with `pauseOnConnect: true`)
 *    gives up its libuv handle (`socket._handle`), which is rewrapped with
 *    `new net.Socket({ handle, onread })`, the same constructor path `net.Server` uses,
 *    so reads land in a caller-owned buffer without a `'data'` event per read. Fallback:
 *    plain `'data'` events on the accepted socket.
 * 2. Synchronous bind result: `server.listen({ host, port })` resolves `host` with
 *    `dns.lookup`, which answers an IP literal on the next tick, and reports a bind error
 *    on a later tick. While `listen` runs, `process.nextTick` is wrapped so that the
 *    lookup's answer (`doListen`) runs at once and a bind error passed to the tick queue
 *    is seen. The wrapper is removed before `listenSync` returns. Fallback: the result is
 *    "pending" and the caller handles the asynchronous `'error'`/`'listening'` events.
 */
import net from "node:net";
import createDebug from "debug";

const debug = createDebug("torsion:tcp:node-internals");

/**
 * Environment variable that, when set to `1`, disables the fast accept path (every
 * connection then uses `'data'` events). The synchronous bind check stays on: it has no
 * effect on data and falls back by itself.
 */
export const DISABLE_FAST_PATH_ENV = "TORSION_NO_FAST_PATH";

function detectFastAccept(): boolean {
  if (process.env[DISABLE_FAST_PATH_ENV] === "1") return false;
  const major = Number(process.versions.node.split(".")[0]);
  if (!(major >= 20)) return false;
  const probe = new net.Socket();
  const ok = "_handle" in probe;
  probe.destroy();
  return ok;
}

/** Whether the fast accept path is usable in this process (decided once, at load). */
export const fastAcceptSupported: boolean = detectFastAccept();
debug("fast accept path %s", fastAcceptSupported ? "enabled" : "disabled");

interface HandleCarrier {
  _handle?: unknown;
}

/** The `onread` option of `net.Socket` (documented for client sockets). */
export interface OnRead {
  buffer: () => Uint8Array;
  callback: (bytesRead: number, buffer: Uint8Array) => boolean;
}

/** Options for the rewrapped socket. */
export interface RewrapOptions {
  readonly onread: OnRead;
  readonly writableHighWaterMark: number;
}

/**
 * Moves the libuv handle of `accepted` (accepted with `pauseOnConnect: true`, not read
 * from yet) into a new socket that reads through `onread`. Returns `null`, leaving
 * `accepted` untouched, when the handle cannot be taken; the caller then uses `accepted`
 * with `'data'` events. On success the placeholder `accepted` is destroyed (it owns
 * nothing any more), so the server does not count it as an open connection.
 */
export function rewrapAccepted(accepted: net.Socket, options: RewrapOptions): net.Socket | null {
  const carrier = accepted as unknown as HandleCarrier;
  const handle = carrier._handle;
  if (handle === null || typeof handle !== "object" || typeof (handle as { readStart?: unknown }).readStart !== "function") {
    return null;
  }
  carrier._handle = null;
  accepted.destroy();
  const socket = new net.Socket({
    handle,
    allowHalfOpen: true,
    readable: true,
    writable: true,
    onread: options.onread,
    writableHighWaterMark: options.writableHighWaterMark,
  } as net.SocketConstructorOpts);
  return socket;
}

/** The result of {@link listenSync}. */
export type ListenResult =
  | { readonly state: "listening" }
  | { readonly state: "failed"; readonly error: Error }
  | { readonly state: "pending" };

function isSystemError(value: unknown): value is Error {
  return value instanceof Error && typeof (value as { syscall?: unknown }).syscall === "string";
}

/**
 * Calls `server.listen(options)` and tells, before returning, whether binding succeeded
 * or failed (with Node's system error, e.g. `EADDRINUSE`). `"pending"` means the
 * internals did not behave as expected: the outcome arrives as the usual events.
 * After `"failed"`, the server's own asynchronous `'error'` event still fires; the caller
 * must have an `'error'` listener.
 */
export function listenSync(server: net.Server, options: net.ListenOptions): ListenResult {
  const original = process.nextTick;
  let captured: Error | null = null;
  const wrapper = function (this: unknown, fn: (...args: unknown[]) => void, ...args: unknown[]): void {
    if (typeof fn === "function" && fn.name === "doListen") {
      fn(...args);
      return;
    }
    for (const arg of args) if (isSystemError(arg)) captured = arg;
    original.call(process, fn, ...args);
  };
  process.nextTick = wrapper as typeof process.nextTick;
  try {
    server.listen(options);
  } finally {
    process.nextTick = original;
  }
  if (server.listening) return { state: "listening" };
  if (captured !== null) return { state: "failed", error: captured };
  return { state: "pending" };
}
