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
 * - **Linear time.** Total work is O(bytes fed), whatever the chunking.
 * - **Bounded.** It holds at most a documented limit of bytes (a frame it is still
 *   assembling plus input it has not looked at yet, excluding chunks fed but not yet
 *   examined by `next()`): past the limit it reports the problem as a frame (an event the
 *   protocol may handle, as `LineReceiver`'s `lineLengthExceeded`) or throws a
 *   {@link DecodeError} subclass from `next()`, and never buffers without bound.
 * - **Bytes it returns are the caller's.** A frame's payload may be a view of a chunk fed
 *   to it (no copy); it never writes into memory it has returned.
 *
 * Order of calls: any number of `feed` and `next`, then at end of stream `finish()` (once)
 * followed by `next()` until it returns `undefined`. Nothing is fed after `finish()`.
 *
 * @typeParam F - what `next()` returns: frames and events (a discriminated union is usual).
 */
export interface IDecoder<F> {
  /**
   * Queues `chunk` (kept by reference, not copied; it must not be modified afterwards).
   * Parses nothing yet.
   */
  feed(chunk: Uint8Array): void;
  /**
   * Parses queued bytes and returns the next complete frame or event, or `undefined` when
   * more bytes are needed (or, after `finish()`, when nothing is left).
   * @throws DecodeError (a subclass) when the input is malformed or over the limit; the
   *   decoder is then unusable and the driver closes the connection.
   */
  next(): F | undefined;
  /**
   * End of stream: no more bytes will come. After this, `next()` returns whatever the
   * end completes (for example a last line without a delimiter, for protocols that define
   * one) and then `undefined`. A partial frame left at the end is dropped (and may be
   * reported as a frame or by `partialAtEnd`).
   */
  finish(): void;
  /** How many bytes are held and not yet returned (queued input plus a partial frame). */
  readonly bufferedLength: number;
}
