import type { CallbackResult, IProtocol } from "./i-protocol.js";

/**
 * Optional extension (asyncio's `BufferedProtocol`): a protocol that receives bytes in
 * memory it owns and reuses, instead of a new buffer per `dataReceived`.
 *
 * A stream transport that supports it (`@torsion/stream`'s, over TCP and Unix sockets)
 * detects the two methods when the protocol is attached and then, for every read:
 *
 * 1. calls `getBuffer(sizeHint)` (`sizeHint` is the most it will read at once, 65,536
 *    today) and reads straight into the returned buffer (at most its length); the
 *    protocol must not touch that buffer until step 2;
 * 2. calls `bufferUpdated(nbytes)`: the first `nbytes` (> 0) bytes of the buffer last
 *    returned hold new data. The buffer is the protocol's again: it may parse it, keep
 *    it, and return it (or another) from the next `getBuffer`.
 *
 * The calls alternate strictly, starting after `connectionMade`. `getBuffer` is called
 * as soon as the previous read is handed over (the socket keeps the buffer while waiting
 * for the next read, however long that takes, even while paused); when a read arrives
 * before the protocol's buffer was given (the first one), its bytes are copied into
 * `getBuffer` buffers, as many calls as it takes. Neither method is called once the
 * transport is `disconnecting` (bytes read then are dropped, as `dataReceived` would
 * not have been called) nor after `connectionLost`. `getBuffer` must return a non-empty
 * `Uint8Array`; anything else, and anything either method throws, is handled like a
 * throwing `dataReceived` (reported, connection aborted).
 *
 * Transports without a buffered read path (the TLS layer, `StringTransport`, the
 * in-memory pump) call `dataReceived` instead, so a buffered protocol still implements
 * it; {@link feedBufferedProtocol} is that implementation.
 */
export interface IBufferedProtocol extends IProtocol {
  /** Returns the buffer the next read goes into (see the interface doc). */
  getBuffer(sizeHint: number): Uint8Array;
  /** `nbytes` new bytes are at the start of the buffer last returned by `getBuffer`. */
  bufferUpdated(nbytes: number): CallbackResult;
}

/**
 * Optional extension: a protocol whose `dataReceived` takes a *borrowed* buffer, valid only
 * during the call. The transport may read into the same memory again once the call
 * returns, so a protocol that keeps bytes, or hands them to anything but a `write` or
 * `writeSequence` of a Torsion stream transport, copies them first. Writing the buffer
 * (an echo) is safe: when such a write is still queued after the call, the transport
 * reads into fresh memory instead, so queued bytes are never overwritten.
 *
 * A transport without a borrowing read path gives the protocol owned buffers, which
 * satisfy this contract trivially.
 */
export interface IBorrowingProtocol extends IProtocol {
  /** Set to `true` to receive borrowed buffers. */
  readonly borrowsReceivedData: true;
}

/** Whether `protocol` implements {@link IBufferedProtocol}. */
export function isBufferedProtocol(protocol: object): protocol is IBufferedProtocol {
  const p = protocol as Partial<IBufferedProtocol>;
  return typeof p.getBuffer === "function" && typeof p.bufferUpdated === "function";
}

/** Whether `protocol` implements {@link IBorrowingProtocol}. */
export function borrowsReceivedData(protocol: object): protocol is IBorrowingProtocol {
  return (protocol as Partial<IBorrowingProtocol>).borrowsReceivedData === true;
}

/**
 * Hands `data` to a buffered protocol through its own buffers: copies it into as many
 * `getBuffer(remaining)` buffers as it takes, calling `bufferUpdated` after each. What a
 * transport without a buffered read path does, and what such a protocol's
 * `dataReceived` can be. Returns the last promise a `bufferUpdated` returned (for the
 * caller to watch). Throws `TypeError` when `getBuffer` returns an empty buffer or a
 * non-buffer.
 */
export function feedBufferedProtocol(protocol: IBufferedProtocol, data: Uint8Array): CallbackResult {
  let offset = 0;
  let result: CallbackResult = undefined;
  while (offset < data.length) {
    const remaining = data.length - offset;
    const target = checkedBuffer(protocol.getBuffer(remaining));
    const n = Math.min(target.length, remaining);
    target.set(data.subarray(offset, offset + n));
    offset += n;
    result = protocol.bufferUpdated(n) ?? result;
  }
  return result;
}

/** `buffer`, if it is a non-empty `Uint8Array` (what `getBuffer` must return); else `TypeError`. */
export function checkedBuffer(buffer: unknown): Uint8Array {
  if (!(buffer instanceof Uint8Array) || buffer.length === 0) throw new TypeError("getBuffer() must return a non-empty Uint8Array");
  return buffer;
}
