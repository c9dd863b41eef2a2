import type { IDecoder } from "@torsion/core";
import { ChunkQueue, view } from "./chunk-queue.js";
import { InvalidFramingOptionError } from "./errors.js";
import { checkMaxLength } from "./line-decoder.js";

/** The prefix sizes supported: 1, 2 or 4 bytes (unsigned, big-endian). */
export type PrefixLength = 1 | 2 | 4;

/** Options of {@link IntPrefixDecoder}. */
export interface IntPrefixDecoderOptions {
  /** Size of the big-endian unsigned length prefix in bytes. */
  readonly prefixLength: PrefixLength;
  /** The longest payload accepted, in bytes. @default 99999 */
  readonly maxLength?: number;
}

/** What {@link IntPrefixDecoder.next} returns. */
export type IntPrefixDecoderEvent =
  { readonly type: "string"; readonly payload: Buffer } | { readonly type: "lengthLimitExceeded"; readonly length: number };

const State = { prefix: 0, payload: 1, skip: 2 } as const;
type State = (typeof State)[keyof typeof State];

const EMPTY = Buffer.alloc(0);

/** The big-endian unsigned `size`-byte integer at `chunk[pos]` (the caller checked the bounds). */
function readPrefixAt(chunk: Buffer, pos: number, size: PrefixLength): number {
  const first = chunk[pos] as number;
  if (size === 1) return first;
  const second = chunk[pos + 1] as number;
  if (size === 2) return (first << 8) | second;
  return first * 0x1000000 + ((second << 16) | ((chunk[pos + 2] as number) << 8) | (chunk[pos + 3] as number));
}

/**
 * A pure parser of length-prefixed frames (Twisted's `Int8/16/32StringReceiver` wire
 * format: an unsigned big-endian length of 1, 2 or 4 bytes, then that many bytes).
 *
 * - A payload that lies inside one chunk is a zero-copy view of it
 *   (`payload.buffer === chunk.buffer`); otherwise it is copied once into a buffer of
 *   exactly its length.
 * - A prefix announcing more than `maxLength` bytes is reported as soon as the prefix is
 *   complete (`length == maxLength` is accepted) with a `lengthLimitExceeded` event; the
 *   announced payload is then skipped without being buffered, and parsing continues after
 *   it. At most `maxLength` payload bytes (plus a partial prefix) are ever held.
 *
 * Linear time in the bytes received, however they are chunked. At end of stream
 * ({@link finish}) a partial prefix or payload is dropped.
 */
export class IntPrefixDecoder implements IDecoder<IntPrefixDecoderEvent> {
  readonly prefixLength: PrefixLength;
  /** The longest payload accepted; may be changed between frames. */
  maxLength: number;
  readonly #queue = new ChunkQueue();
  readonly #prefix = Buffer.alloc(4);
  #prefixFilled = 0;
  #state: State = State.prefix;
  #length = 0;
  #payload: Buffer = EMPTY;
  #filled = 0;
  #exceeded: number | null = null;
  #finished = false;

  constructor(options: IntPrefixDecoderOptions) {
    const prefixLength: number = options.prefixLength;
    if (prefixLength !== 1 && prefixLength !== 2 && prefixLength !== 4) {
      throw new InvalidFramingOptionError(`prefixLength must be 1, 2 or 4, got ${String(prefixLength)}`);
    }
    this.prefixLength = options.prefixLength;
    this.maxLength = checkMaxLength(options.maxLength ?? 99999, "maxLength");
  }

  /** How many bytes are held: queued input plus a partial prefix or payload. */
  get bufferedLength(): number {
    return this.#queue.length + this.#prefixFilled + (this.#state === State.payload ? this.#filled : 0);
  }

  /** Queues `chunk` by reference. Parses nothing yet. Ignored after {@link finish}. */
  feed(chunk: Uint8Array): void {
    if (!this.#finished) this.#queue.push(chunk);
  }

  /**
   * End of stream: complete frames still queued are returned by {@link next} as before;
   * a partial prefix or payload after them is dropped.
   */
  finish(): void {
    this.#finished = true;
  }

  /** Feeds `chunk` and returns every event it completes. */
  push(chunk: Uint8Array): IntPrefixDecoderEvent[] {
    this.feed(chunk);
    const events: IntPrefixDecoderEvent[] = [];
    for (let event = this.next(); event !== undefined; event = this.next()) events.push(event);
    return events;
  }

  /** The next complete frame or limit event, or `undefined` when more bytes are needed. */
  next(): IntPrefixDecoderEvent | undefined {
    const payload = this.nextString();
    if (payload !== null) return { type: "string", payload };
    const length = this.takeExceeded();
    return length === null ? undefined : { type: "lengthLimitExceeded", length };
  }

  /**
   * The fast form of {@link next}: the next complete payload, or `null` when there is none
   * yet or when a too-long prefix is pending; {@link takeExceeded} then returns its length.
   */
  nextString(): Buffer | null {
    if (this.#exceeded !== null) return null;
    for (;;) {
      const chunk = this.#queue.current();
      if (chunk === undefined) {
        if (this.#finished) this.#dropPartial();
        return null;
      }
      let payload: Buffer | null = null;
      if (this.#state === State.prefix) payload = this.#readPrefix(chunk);
      else if (this.#state === State.payload) payload = this.#readPayload(chunk);
      else this.#skip(chunk);
      if (payload !== null) return payload;
      // The scan may have found a too-long frame (a method call TypeScript's narrowing cannot see into).
      if (this.#hasExceeded()) return null;
    }
  }

  /** Whether a too-long frame is pending ({@link takeExceeded} returns it). */
  #hasExceeded(): boolean {
    return this.#exceeded !== null;
  }

  /** The announced length of a too-long frame found by {@link nextString} (once), or `null`. */
  takeExceeded(): number | null {
    const length = this.#exceeded;
    this.#exceeded = null;
    return length;
  }

  #dropPartial(): void {
    this.#prefixFilled = 0;
    this.#state = State.prefix;
    this.#payload = EMPTY;
    this.#filled = 0;
  }

  #readPrefix(chunk: Buffer): Buffer | null {
    const pos = this.#queue.offset;
    const size = this.prefixLength;
    let length: number;
    let start = pos + size;
    if (this.#prefixFilled === 0 && chunk.length >= start) {
      length = readPrefixAt(chunk, pos, size);
    } else {
      length = this.#readSplitPrefix(chunk, pos);
      if (length < 0) return null;
      start = this.#queue.offset;
    }
    this.#length = length;
    this.#filled = 0;
    if (length > this.maxLength) {
      this.#queue.offset = start;
      this.#state = State.skip;
      this.#exceeded = length;
      return null;
    }
    if (chunk.length - start >= length) {
      this.#queue.offset = start + length;
      return view(chunk, start, start + length);
    }
    this.#queue.offset = start;
    this.#state = State.payload;
    return null;
  }

  /**
   * A prefix split across chunks: copies what `chunk` has of it. Returns the length once
   * the prefix is complete (the queue offset is then just after it), else -1.
   */
  #readSplitPrefix(chunk: Buffer, pos: number): number {
    const size = this.prefixLength;
    const take = Math.min(size - this.#prefixFilled, chunk.length - pos);
    chunk.copy(this.#prefix, this.#prefixFilled, pos, pos + take);
    this.#prefixFilled += take;
    this.#queue.offset = pos + take;
    if (this.#prefixFilled < size) return -1;
    this.#prefixFilled = 0;
    return this.#prefix.readUIntBE(0, size);
  }

  #readPayload(chunk: Buffer): Buffer | null {
    const pos = this.#queue.offset;
    const needed = this.#length - this.#filled;
    const available = chunk.length - pos;
    if (this.#filled === 0 && available >= needed) {
      this.#queue.offset = pos + needed;
      this.#state = State.prefix;
      return view(chunk, pos, pos + needed);
    }
    if (this.#filled === 0) this.#payload = Buffer.allocUnsafe(this.#length);
    const take = Math.min(available, needed);
    chunk.copy(this.#payload, this.#filled, pos, pos + take);
    this.#filled += take;
    this.#queue.offset = pos + take;
    if (this.#filled < this.#length) return null;
    const payload = this.#payload;
    this.#payload = EMPTY;
    this.#state = State.prefix;
    this.#filled = 0;
    return payload;
  }

  #skip(chunk: Buffer): void {
    const pos = this.#queue.offset;
    const take = Math.min(chunk.length - pos, this.#length - this.#filled);
    this.#filled += take;
    this.#queue.offset = pos + take;
    if (this.#filled === this.#length) {
      this.#state = State.prefix;
      this.#filled = 0;
    }
  }
}
