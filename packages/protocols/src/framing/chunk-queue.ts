import { BufferView } from "./node-internals.js";

/**
 * The input side shared by the framing decoders: a queue of received chunks, held by
 * reference (never concatenated), with a read offset into the first one.
 */

/** Views `data` as a `Buffer` without copying (a `Buffer` is returned as is). */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

import { SMALL_FRAME_LIMIT, copiesSmallFrames, copyFrame } from "./frame-memory.js";

const EMPTY = Buffer.alloc(0);

/** A function making views of `chunk` (its buffer and offset looked up once). */
export function viewMaker(chunk: Buffer): (start: number, end: number) => Buffer {
  const Make = BufferView;
  const copySmall = copiesSmallFrames(chunk);
  if (Make === null)
    return (start, end) => (copySmall && end - start <= SMALL_FRAME_LIMIT ? copyFrame(chunk, start, end) : chunk.subarray(start, end));
  const buffer = chunk.buffer;
  const base = chunk.byteOffset;
  return (start, end) =>
    copySmall && end - start <= SMALL_FRAME_LIMIT ? copyFrame(chunk, start, end) : new Make(buffer, base + start, end - start);
}

/**
 * A zero-copy `Buffer` view of `chunk[start, end)`; the same as `chunk.subarray(start, end)`
 * but cheaper to create (it constructs the view directly instead of through the species
 * lookup), which matters when a frame is delivered per line.
 */
export function view(chunk: Buffer, start: number, end: number): Buffer {
  if (end - start <= SMALL_FRAME_LIMIT && copiesSmallFrames(chunk)) return copyFrame(chunk, start, end);
  if (BufferView === null) return chunk.subarray(start, end);
  return new BufferView(chunk.buffer, chunk.byteOffset + start, end - start);
}

/**
 * A FIFO of byte chunks with a read position. Chunks are kept by reference: the caller
 * hands them over (a protocol owns the buffers `dataReceived` gives it) and must not
 * modify them afterwards. Empty chunks are dropped on `push`.
 *
 * Decoders read from {@link current} at {@link offset}, advance `offset`, and the queue
 * moves to the next chunk when the current one is used up. Memory is released as soon as
 * a chunk is fully read.
 */
export class ChunkQueue {
  #chunks: Buffer[] = [];
  #head = 0;
  /** Read position inside {@link current}. Decoders advance it as they consume bytes. */
  offset = 0;

  /** Appends `chunk` (by reference). Empty chunks are ignored. */
  push(chunk: Uint8Array): void {
    if (chunk.length > 0) this.#chunks.push(asBuffer(chunk));
  }

  /**
   * The chunk holding the next unread byte, moving past used-up chunks; `undefined` when
   * nothing is left to read (the queue is then reset).
   */
  current(): Buffer | undefined {
    while (this.#head < this.#chunks.length) {
      const chunk = this.#chunks[this.#head] as Buffer;
      if (this.offset < chunk.length) return chunk;
      this.#head += 1;
      this.offset = 0;
    }
    if (this.#chunks.length > 0) {
      this.#chunks = [];
      this.#head = 0;
    }
    return undefined;
  }

  /** How many unread bytes are queued. O(number of queued chunks). */
  get length(): number {
    let total = -this.offset;
    for (let i = this.#head; i < this.#chunks.length; i += 1) total += (this.#chunks[i] as Buffer).length;
    return Math.max(0, total);
  }

  /**
   * Removes and returns every unread byte: a zero-copy view when they all lie in one
   * chunk, otherwise one new buffer.
   */
  takeAll(): Buffer {
    const parts: Buffer[] = [];
    let chunk = this.current();
    while (chunk !== undefined) {
      parts.push(this.offset === 0 ? chunk : chunk.subarray(this.offset));
      this.offset = chunk.length;
      chunk = this.current();
    }
    if (parts.length === 0) return EMPTY;
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }

  /** Drops every unread byte. */
  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.offset = 0;
  }
}
