/**
 * A pure, incremental decoder of a byte stream into frames (tokio-util's `Decoder`, or the
 * parsing half of a Twisted framing protocol). It does no I/O and knows nothing of
 * transports: the one framing driver (`FramingDriver` in `@torsion/protocols`) feeds it
 * the bytes a transport delivers and hands each frame to the protocol, and owns delivery,
 * pausing, `transport.disconnecting` and re-entrancy. Every wire protocol over a byte
 * stream (lines, netstrings, length prefixes, AMP boxes, memcache and Redis replies, AMQP
 * frames) is one of these.
 *
 * Rules every implementation keeps:
 * - **Chunk-agnostic.** The same bytes give the same frames however they are split.
 * - **Linear time.** Total work is O(bytes fed), whatever the chunking: keep a read
 *   offset into the chunks fed, never concatenate and rescan.
 * - **Bounded.** It holds at most a documented limit of bytes (a frame it is still
 *   assembling plus input it has not looked at yet, excluding chunks fed but not yet
 *   examined by `next()`): past the limit it reports the problem as a frame (an event the
 *   protocol may handle, as `LineReceiver`'s `lineLengthExceeded`) or throws a
 *   {@link DecodeError} subclass from `next()`, and never buffers without bound.
 * - **Bytes it returns are the caller's.** A frame's payload may be a view of a chunk fed
 *   to it (no copy); it never writes into memory it has returned.
 *
 * Order of calls: any number of `feed` and `next` (in any interleaving; `next()` may be
 * called again after it returned `undefined`), then at end of stream `finish()` (once)
 * followed by `next()` until it returns `undefined`. The driver never feeds after
 * `finish()`, nor calls `next()` again after it threw; an implementation ignores such
 * calls (feeds are dropped, `next()` returns `undefined`).
 *
 * @example A decoder of NUL-terminated messages (limit checks left out):
 * ```ts
 * class NulDecoder implements IDecoder<Buffer> {
 *   #chunks: Buffer[] = [];
 *   feed(chunk: Uint8Array): void { this.#chunks.push(Buffer.from(chunk)); }
 *   next(): Buffer | undefined { ... } // the bytes up to the next 0x00, or undefined
 *   finish(): void { this.#chunks = []; } // a message without its NUL is dropped
 *   get bufferedLength(): number { ... }
 * }
 * ```
 * `FramingDriver`'s documentation shows it made into a protocol.
 *
 * @typeParam F - what `next()` returns: frames and events (a discriminated union is usual;
 *   a decoder on a hot path may return a bare `Buffer` for its common frame to save an
 *   allocation per frame).
 */
export interface IDecoder<F> {
  /**
   * Queues `chunk` (kept by reference, not copied; it must not be modified afterwards).
   * Parses nothing yet. Empty chunks are allowed (and change nothing).
   */
  feed(chunk: Uint8Array): void;
  /**
   * Parses queued bytes and returns the next complete frame or event, or `undefined` when
   * more bytes are needed (or, after `finish()`, when nothing is left).
   * @throws DecodeError (a subclass) when the input is malformed or over the limit; the
   *   decoder is then broken (it drops what it holds and ignores further input) and the
   *   driver closes the connection.
   */
  next(): F | undefined;
  /**
   * End of stream: no more bytes will come. After this, `next()` returns the complete
   * frames still queued, then whatever the end completes (for example a last line without
   * a delimiter, for protocols that define one), then `undefined`. A partial frame left
   * at the end is dropped, or, if the protocol defines that as malformed, `next()` throws
   * a {@link DecodeError} for it.
   */
  finish(): void;
  /** How many bytes are held and not yet returned (queued input plus a partial frame). */
  readonly bufferedLength: number;
}
