/**
 * What a kept frame costs: small frames are not left as views of big buffers.
 *
 * A frame that is a view of a received chunk keeps the chunk's whole `ArrayBuffer` alive
 * (a transport's read slab: up to 64 KiB). That is free for frames that are processed and
 * dropped, but a protocol that keeps many short frames (names, keys, ids) would keep one
 * slab per frame. So a frame of at most {@link SMALL_FRAME_LIMIT} bytes that lies in an
 * `ArrayBuffer` bigger than {@link VIEW_BUFFER_LIMIT} is copied into a buffer of its own
 * size; a kept small frame then costs its length plus one object. Small frames of small
 * buffers (a transport's copies of small reads, see `@torsion/stream`'s
 * `read-buffer-pool.ts`) stay views: they keep at most 2 KiB alive. Longer frames stay
 * zero-copy views and keep their chunk's buffer alive (at most 64 KiB for a transport's
 * read; copy one with `Buffer.from(frame)` to keep it at its own size).
 *
 * Decoders call {@link copiesSmallFrames} once per chunk and {@link copyFrame} for each
 * small frame of a chunk for which it said yes. Pure: no I/O.
 */

/** Frames up to this many bytes are copied out of big buffers. */
export const SMALL_FRAME_LIMIT = 64;
/** The largest `ArrayBuffer` whose small frames stay views. */
export const VIEW_BUFFER_LIMIT = 2048;

/** Whether small frames of `chunk` must be copied (its `ArrayBuffer` is bigger than {@link VIEW_BUFFER_LIMIT}). */
export function copiesSmallFrames(chunk: Uint8Array): boolean {
  return chunk.buffer.byteLength > VIEW_BUFFER_LIMIT;
}

/**
 * Returns an exact-size copy of `chunk[start, end)` (at most {@link SMALL_FRAME_LIMIT}
 * bytes), which no one writes again. A buffer this small lives in V8's heap (no
 * `ArrayBuffer` of its own until one is asked for), so it costs its length plus an object.
 */
export function copyFrame(chunk: Buffer, start: number, end: number): Buffer {
  const length = end - start;
  const target = Buffer.alloc(length);
  for (let i = 0; i < length; i++) target[i] = chunk[start + i] as number;
  return target;
}
