import type net from "node:net";
import type { Failure } from "@torsion/defer";
import type { IAddress, ITCPTransport, ITransportHost } from "@torsion/core";
import type { OnRead } from "./node-internals.js";

/** Default write-buffer high-water mark: a streaming producer is paused above it. */
export const DEFAULT_HIGH_WATER_MARK = 64 * 1024;

/** What {@link StreamTransport.attach} needs to know about the connected socket. */
export interface AttachOptions {
  /** Whether TCP_NODELAY is on (as set by the port or connector). */
  readonly noDelay: boolean;
  /** The remote end, as `getPeer()` reports it. */
  readonly peer: IAddress;
  /** The local end, as `getHost()` reports it. */
  readonly local: IAddress;
  /** Which side opened the connection (decides the TLS role of `startTLS`). @default "server" */
  readonly side?: "client" | "server";
}

/** Options of {@link StreamTransport}. */
export interface StreamTransportOptions {
  /** Reports errors thrown by protocol callbacks; closes the connection on `reactor.stop()`. */
  readonly host: ITransportHost;
  /**
   * The socket, fixed for the transport's life: a `net.Socket` that reads with `'data'`
   * events, or a function, called once by the constructor, that creates the socket with
   * the given `onread` option (the fast path; see `node-internals.ts`).
   */
  readonly socket: net.Socket | ((onread: OnRead) => net.Socket);
  /** Write-buffer size (bytes) above which a streaming producer is paused. @default 65536 */
  readonly highWaterMark?: number;
  /** Whether `abortConnection` sends a TCP reset (TCP sockets only). @default false */
  readonly resetOnAbort?: boolean;
  /** Called once after the protocol's `connectionLost` (connector and port bookkeeping). */
  readonly onClosed?: (reason: Failure) => void;
}

/** The address reported before attach. */
export const UNKNOWN: IAddress = { equals: (other) => other === UNKNOWN, toString: () => "<not connected>" };

/** A short description of a non-bytes value, for `TypeError` messages; never throws. */
export function describe(value: unknown): string {
  try {
    if (value === null) return "null";
    // An object made by Object.create(null) has no constructor.
    if (typeof value === "object") return (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
    return typeof value;
  } catch {
    return "an unprintable value";
  }
}

/** The buffers of a `writeSequence` call, every one checked first (`TypeError`, nothing written). */
export function checkedSequence(data: Iterable<Uint8Array>): Uint8Array[] {
  const items = Array.isArray(data) ? (data as Uint8Array[]) : Array.from(data);
  for (const item of items) {
    if (!(item instanceof Uint8Array)) throw new TypeError(`writeSequence() takes bytes (Uint8Array), not ${describe(item)}`);
  }
  return items;
}

/**
 * `writeSequence` copies its buffers into one when they add up to at most this many bytes
 * (a copy is cheaper than Node's `writev` bookkeeping for small buffers); larger batches
 * are corked and written by reference.
 */
export const COALESCE_LIMIT = 16 * 1024;

/**
 * Copies the (checked) `items`, `total` bytes in all, into one buffer, in order. Below
 * 4 KiB the buffer is a slice of Node's shared allocation pool (`Buffer.allocUnsafe`).
 */
export function coalesce(items: readonly Uint8Array[], total: number): Buffer {
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const item of items) {
    out.set(item, offset);
    offset += item.byteLength;
  }
  return out;
}

/**
 * What `reactor.stop()` does to a connection: `loseConnection`, then `abortConnection` if
 * `socket` has not closed after `graceSeconds` (on the host's clock). Resolves once closed.
 */
export function closeWithin(transport: ITCPTransport, socket: net.Socket, host: ITransportHost, graceSeconds: number): Promise<void> {
  return new Promise<void>((resolve) => {
    socket.once("close", () => resolve());
    transport.loseConnection();
    const timer = host.callLater(graceSeconds, () => transport.abortConnection());
    socket.once("close", () => {
      if (timer.active()) timer.cancel();
    });
  });
}
