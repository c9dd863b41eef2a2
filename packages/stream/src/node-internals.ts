/**
 * The ONLY module that relies on undocumented Node internals. Each trick is
 * feature-detected and has a documented fallback:
 *
 * 1. Fast accept: accepted libuv handles are wrapped with
 *    `new net.Socket({ handle, onread })`, the same constructor path `net.Server` uses,
 *    so reads land in a caller-owned buffer without a `'data'` event per read. Two ways,
 *    the first preferred:
 *    a. {@link interceptAccept} replaces the listening handle's `onconnection` (the
 *       function libuv's accept calls, `server._handle.onconnection`), so the accepted
 *       handle is wrapped at once: one `net.Socket` per connection, as a plain server.
 *    b. {@link rewrapAccepted}: an accepted socket (from a server created with
 *       `pauseOnConnect: true`) gives up its handle (`socket._handle`) to a second socket;
 *       the placeholder costs a whole `net.Socket` per connection.
 *    Fallback: plain `'data'` events on the accepted socket.
 * 2. Synchronous bind result: `server.listen({ host, port })` resolves `host` with
 *    `dns.lookup`, which answers an IP literal on the next tick, and reports a bind error
 *    on a later tick. While `listen` runs, `process.nextTick` is wrapped so that the
 *    lookup's answer (`doListen`) runs at once and a bind error passed to the tick queue
 *    is seen. The wrapper is removed before `listenSync` returns. Fallback: the result is
 *    "pending" and the caller handles the asynchronous `'error'`/`'listening'` events.
 * 3. Descriptor pressure: libuv answers an accept that fails with `EMFILE`/`ENFILE` by
 *    accepting and closing the connection with a reserved descriptor, silently (Node
 *    never hears of it). {@link descriptorOf} reads an accepted socket's descriptor
 *    (`socket._handle.fd`) so a port can tell that it took the last free one (Linux
 *    hands out the lowest free descriptor) against {@link descriptorLimit}, read once
 *    from `/proc/self/limits`. Fallback: `null` (no detection; errors Node does emit
 *    are still reported).
 */
import fs from "node:fs";
import net from "node:net";
import createDebug from "debug";

const debug = createDebug("torsion:stream:node-internals");

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

/** Options for the socket wrapped around an accepted handle. */
export interface RewrapOptions {
  readonly onread: OnRead;
  readonly writableHighWaterMark: number;
  /**
   * Turn TCP_NODELAY on (TCP handles only; ignored by Unix ones). The socket records it,
   * so a later `setNoDelay(false)` really turns it off. @default false
   */
  readonly noDelay?: boolean;
}

/** An accepted connection's libuv handle (opaque: only {@link wrapHandle} uses it). */
export interface AcceptedHandle {
  readonly readStart: () => number;
}

interface ListeningHandle {
  onconnection?: unknown;
}

function isStreamHandle(handle: unknown): handle is AcceptedHandle {
  return handle !== null && typeof handle === "object" && typeof (handle as { readStart?: unknown }).readStart === "function";
}

/**
 * Fast accept, way (a): makes the listening `server` pass each accepted handle to
 * `onHandle` (synchronously, in libuv's accept callback, once per connection) instead of
 * building a placeholder `net.Socket` and emitting `'connection'`. The caller wraps it
 * with {@link wrapHandle} at once. Accept errors, and anything not shaped like a stream
 * handle, go to Node's own handler (the server's `'error'` event). Accepted sockets are
 * not counted by `server.getConnections()` (nor limited by `maxConnections`).
 *
 * Call right after the server is listening. Returns `false`, changing nothing, when the
 * fast path is off or the internals are not as expected; `'connection'` events then
 * continue as usual. If `onHandle` throws, the error propagates as from any I/O callback.
 */
export function interceptAccept(server: net.Server, onHandle: (handle: AcceptedHandle) => void): boolean {
  if (!fastAcceptSupported) return false;
  const listening = (server as unknown as HandleCarrier)._handle;
  if (listening === null || typeof listening !== "object") return false;
  const original = (listening as ListeningHandle).onconnection;
  if (typeof original !== "function") return false;
  (listening as ListeningHandle).onconnection = function onconnection(this: unknown, error: unknown, handle: unknown): void {
    if (error || !isStreamHandle(handle)) {
      Reflect.apply(original, this, [error, handle]);
      return;
    }
    onHandle(handle);
  };
  return true;
}

/**
 * Wraps an accepted handle (from {@link interceptAccept} or {@link rewrapAccepted}) into
 * a readable, writable, half-open-capable socket reading through `options.onread`.
 * Reading starts at once (the first read arrives on a later turn).
 */
export function wrapHandle(handle: AcceptedHandle, options: RewrapOptions): net.Socket {
  const noDelay = options.noDelay === true;
  if (noDelay) {
    const setNoDelay = (handle as { setNoDelay?: (on: boolean) => number }).setNoDelay;
    if (typeof setNoDelay === "function") setNoDelay.call(handle, true);
  }
  return new net.Socket({
    handle,
    allowHalfOpen: true,
    readable: true,
    writable: true,
    noDelay,
    onread: options.onread,
    writableHighWaterMark: options.writableHighWaterMark,
  } as net.SocketConstructorOpts);
}

/**
 * Fast accept, way (b): moves the libuv handle of `accepted` (accepted with
 * `pauseOnConnect: true`, not read from yet) into a new socket that reads through
 * `onread` (see {@link wrapHandle}). Returns `null`, leaving `accepted` untouched, when
 * the handle cannot be taken; the caller then uses `accepted` with `'data'` events. On
 * success the placeholder `accepted` is destroyed (it owns nothing any more), so the
 * server does not count it as an open connection.
 */
export function rewrapAccepted(accepted: net.Socket, options: RewrapOptions): net.Socket | null {
  const handle = takeHandle(accepted);
  return handle === null ? null : wrapHandle(handle, options);
}

/**
 * The first half of {@link rewrapAccepted}: takes the libuv handle out of `accepted` and
 * destroys the placeholder, for the caller to {@link wrapHandle} it. `null`, leaving
 * `accepted` untouched, when the handle cannot be taken.
 */
export function takeHandle(accepted: net.Socket): AcceptedHandle | null {
  const carrier = accepted as unknown as HandleCarrier;
  const handle = carrier._handle;
  if (!isStreamHandle(handle)) return null;
  carrier._handle = null;
  accepted.destroy();
  return handle;
}

/** The result of {@link listenSync}. */
export type ListenResult =
  { readonly state: "listening" } | { readonly state: "failed"; readonly error: Error } | { readonly state: "pending" };

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
  // Read without calling it (Reflect.get: no unbound-method use), to call it and to put it back as it was.
  const original: typeof process.nextTick = Reflect.get(process, "nextTick");
  // Assigned in the wrapper: the assertion keeps TypeScript from narrowing it to \`null\` here.
  let captured = null as Error | null;
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

/**
 * The file descriptor of a connected socket (`socket._handle.fd`), or `null` when the
 * runtime does not expose it (non-Unix, or the internals changed).
 */
export function descriptorOf(socket: net.Socket): number | null {
  try {
    const fd = ((socket as unknown as HandleCarrier)._handle as { fd?: unknown } | null | undefined)?.fd;
    return typeof fd === "number" && fd >= 0 ? fd : null;
  } catch {
    return null;
  }
}

let limit: number | null | undefined;

/**
 * The process's soft limit on open files (`RLIMIT_NOFILE`), from `/proc/self/limits`,
 * read once; `null` where that file does not exist or says "unlimited".
 */
export function descriptorLimit(): number | null {
  if (limit !== undefined) return limit;
  limit = null;
  try {
    const line = fs
      .readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = Number(line?.slice("Max open files".length).trim().split(/\s+/)[0]);
    if (Number.isInteger(soft) && soft > 0) limit = soft;
  } catch (error) {
    debug("no descriptor limit: %s", (error as Error).message);
  }
  return limit;
}
