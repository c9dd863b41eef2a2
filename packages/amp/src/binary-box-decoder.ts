import type { IDecoder } from "@torsion/core";
import { AmpBox, MAX_KEY_LENGTH, setRange } from "./amp-box.js";
import { BoxTooLargeError, TooLong } from "./errors.js";

/** Where the decoder is: between boxes, expecting a key, or expecting a value. */
export type BinaryBoxState = "init" | "key" | "value";

/** Options of {@link BinaryBoxDecoder}. */
export interface BinaryBoxDecoderOptions {
  /**
   * The largest box accepted, in wire bytes (Twisted has no limit; Torsion bounds what one
   * connection may make it hold). A bigger box throws {@link BoxTooLargeError}.
   * @default 4 MiB
   */
  readonly maxBoxLength?: number;
}

const EMPTY = Buffer.alloc(0);
/** Returned by `#nextString` for a key read straight from a chunk: the key's text is in `#keyText`. */
const KEY_READ = Buffer.alloc(1);
/** Returned by `#nextString` for a value lying inside one chunk: it is `#rangeSource[#rangeStart, #rangeEnd)`. */
const VALUE_RANGE = Buffer.alloc(1);

/**
 * Recently seen keys, so the same key bytes give the same string without a native call or
 * a new string each time: direct-mapped by a hash of the bytes, every hit checked byte by
 * byte (a peer filling it with other keys only makes lookups miss). Shared by all decoders.
 */
const KEY_CACHE: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);
const CACHED_KEY_LENGTH = 32;

function keyText(chunk: Buffer, pos: number, length: number): string {
  if (length > CACHED_KEY_LENGTH) return chunk.toString("latin1", pos, pos + length);
  let hash = length;
  for (let i = 0; i < length; i += 1) hash = (hash * 31 + (chunk[pos + i] as number)) | 0;
  const slot = hash & 255;
  const cached = KEY_CACHE[slot];
  if (cached?.length === length) {
    let same = true;
    for (let i = 0; i < length; i += 1) {
      if (cached.charCodeAt(i) !== chunk[pos + i]) {
        same = false;
        break;
      }
    }
    if (same) return cached;
  }
  const key = chunk.toString("latin1", pos, pos + length);
  KEY_CACHE[slot] = key;
  return key;
}
const DEFAULT_MAX_BOX = 4 * 1024 * 1024;

/**
 * The AMP box parser (the parsing half of Twisted's `BinaryBoxProtocol`), an
 * {@link IDecoder} of {@link AmpBox}es.
 *
 * The wire is a sequence of 2-byte big-endian length-prefixed strings: key, value, key,
 * value, ..., then an empty key that ends the box. Rules, all as Twisted 22.4 behaves:
 * - Chunk-agnostic: any split of the input gives the same boxes; linear time.
 * - `00 00` where a box starts is an **empty box**, and is returned.
 * - A repeated key overwrites the earlier value (which keeps its first position).
 * - A key length over 255 throws {@link TooLong} (`isKey`, not local) from `next()`.
 * - A partial box at the end of the stream is dropped silently.
 * - Keys and values may hold any bytes.
 *
 * Bounded: a box over `maxBoxLength` wire bytes throws {@link BoxTooLargeError}; the
 * decoder holds at most that much plus one unexamined chunk. Values lying inside one fed
 * chunk are views of it (no copy).
 */
export class BinaryBoxDecoder implements IDecoder<AmpBox> {
  readonly maxBoxLength: number;
  #chunks: Buffer[] = [];
  #head = 0;
  #offset = 0;
  #state: BinaryBoxState = "init";
  #box: AmpBox | null = null;
  #key = "";
  #keyText = "";
  #rangeSource: Buffer = EMPTY;
  #rangeStart = 0;
  #rangeEnd = 0;
  /** The string being read: its announced length (-1 while reading the prefix). */
  #length = -1;
  readonly #prefix = Buffer.alloc(2);
  #prefixFilled = 0;
  #parts: Buffer[] = [];
  #partFilled = 0;
  #boxBytes = 0;
  #finished = false;
  #failed: Error | null = null;

  constructor(options: BinaryBoxDecoderOptions = {}) {
    this.maxBoxLength = options.maxBoxLength ?? DEFAULT_MAX_BOX;
  }

  /** The parser state: `init` between boxes, `key` or `value` inside one. */
  get state(): BinaryBoxState {
    return this.#state;
  }

  get bufferedLength(): number {
    let total = -this.#offset;
    for (let i = this.#head; i < this.#chunks.length; i += 1) total += (this.#chunks[i] as Buffer).length;
    return Math.max(0, total) + this.#boxBytes;
  }

  feed(chunk: Uint8Array): void {
    if (this.#finished) throw new Error("BinaryBoxDecoder.feed called after finish()");
    if (chunk.length === 0) return;
    this.#chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  finish(): void {
    this.#finished = true;
  }

  /**
   * Removes and returns every byte fed but not parsed yet (a partial string included, not
   * the pairs of a partial box). Used when the connection switches to another protocol.
   */
  takeRemainder(): Buffer {
    const parts: Buffer[] = [];
    if (this.#prefixFilled > 0) parts.push(Buffer.from(this.#prefix.subarray(0, this.#prefixFilled)));
    else if (this.#length >= 0) {
      const header = Buffer.alloc(2);
      header.writeUInt16BE(this.#length);
      parts.push(header, ...this.#parts);
    }
    for (let i = this.#head; i < this.#chunks.length; i += 1) {
      const chunk = this.#chunks[i] as Buffer;
      parts.push(i === this.#head ? chunk.subarray(this.#offset) : chunk);
    }
    this.#chunks = [];
    this.#head = 0;
    this.#offset = 0;
    this.#resetString();
    this.#state = "init";
    this.#box = null;
    this.#boxBytes = 0;
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }

  next(): AmpBox | undefined {
    if (this.#failed !== null) throw this.#failed;
    if (this.#state === "init" && this.#length < 0 && this.#prefixFilled === 0) {
      const chunk = this.#current();
      if (chunk !== undefined) {
        const box = this.#wholeBox(chunk, this.#offset);
        if (box !== undefined) return box;
      }
    }
    for (;;) {
      const value = this.#nextString();
      if (value === null) {
        if (this.#finished) this.#dropPartial();
        return undefined;
      }
      const box = this.#take(value);
      if (box !== undefined) return box;
    }
  }

  /**
   * The fast path between boxes: the box starting at `chunk[start]` when it lies whole in
   * `chunk` and breaks no rule (keys up to 255 bytes, at most `maxBoxLength` bytes), read in
   * one loop; `undefined` otherwise, with nothing consumed (the string-by-string path then
   * reads it, and throws what it must).
   */
  #wholeBox(chunk: Buffer, start: number): AmpBox | undefined {
    const end = chunk.length;
    let pos = start;
    let box: AmpBox | null = null;
    for (;;) {
      if (pos + 2 > end) return undefined;
      const keyLength = ((chunk[pos] as number) << 8) | (chunk[pos + 1] as number);
      pos += 2;
      if (keyLength === 0) break;
      if (keyLength > MAX_KEY_LENGTH || pos + keyLength + 2 > end) return undefined;
      const key = keyText(chunk, pos, keyLength);
      pos += keyLength;
      const valueLength = ((chunk[pos] as number) << 8) | (chunk[pos + 1] as number);
      pos += 2;
      if (pos + valueLength > end) return undefined;
      box ??= new AmpBox();
      setRange(box, key, chunk, pos, pos + valueLength);
      pos += valueLength;
    }
    if (pos - start > this.maxBoxLength) return undefined;
    this.#offset = pos;
    return box ?? new AmpBox();
  }

  #take(value: Buffer): AmpBox | undefined {
    if (this.#state === "value") {
      if (value === VALUE_RANGE) {
        setRange(this.#box as AmpBox, this.#key, this.#rangeSource, this.#rangeStart, this.#rangeEnd);
        this.#rangeSource = EMPTY;
      } else (this.#box as AmpBox).setLatin1Key(this.#key, value);
      this.#state = "key";
      return undefined;
    }
    if (this.#state === "init") this.#box = new AmpBox();
    if (value.length === 0) {
      const box = this.#box as AmpBox;
      this.#box = null;
      this.#state = "init";
      this.#boxBytes = 0;
      return box;
    }
    this.#key = value === KEY_READ ? this.#keyText : value.toString("latin1");
    this.#state = "value";
    return undefined;
  }

  #dropPartial(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#offset = 0;
    this.#box = null;
    this.#boxBytes = 0;
    this.#resetString();
  }

  #resetString(): void {
    this.#length = -1;
    this.#prefixFilled = 0;
    this.#parts = [];
    this.#partFilled = 0;
  }

  #current(): Buffer | undefined {
    while (this.#head < this.#chunks.length) {
      const chunk = this.#chunks[this.#head] as Buffer;
      if (this.#offset < chunk.length) return chunk;
      this.#chunks[this.#head] = EMPTY;
      this.#head += 1;
      this.#offset = 0;
    }
    if (this.#head > 0) {
      this.#chunks = [];
      this.#head = 0;
    }
    return undefined;
  }

  #fail(error: Error): never {
    this.#failed = error;
    this.#dropPartial();
    throw error;
  }

  #count(bytes: number): void {
    this.#boxBytes += bytes;
    if (this.#boxBytes > this.maxBoxLength) {
      this.#fail(new BoxTooLargeError(`box over ${this.maxBoxLength} bytes`));
    }
  }

  /** The next complete length-prefixed string, or `null` when more bytes are needed. */
  #nextString(): Buffer | null {
    for (;;) {
      const chunk = this.#current();
      if (chunk === undefined) return null;
      let pos = this.#offset;
      if (this.#length < 0) {
        if (this.#prefixFilled === 0 && chunk.length - pos >= 2) {
          this.#length = chunk.readUInt16BE(pos);
          pos += 2;
        } else {
          this.#prefix[this.#prefixFilled] = chunk[pos] as number;
          this.#prefixFilled += 1;
          pos += 1;
          if (this.#prefixFilled === 2) {
            this.#length = this.#prefix.readUInt16BE(0);
            this.#prefixFilled = 0;
          }
        }
        this.#offset = pos;
        if (this.#length < 0) continue;
        if (this.#state !== "value" && this.#length > MAX_KEY_LENGTH) {
          this.#fail(new TooLong(true, false, null, this.#length));
        }
        this.#count(2 + this.#length);
        this.#partFilled = 0;
      }
      const needed = this.#length - this.#partFilled;
      const available = chunk.length - pos;
      if (this.#partFilled === 0 && available >= needed) {
        this.#offset = pos + needed;
        const length = this.#length;
        this.#length = -1;
        if (length === 0) return EMPTY;
        if (this.#state === "value") {
          this.#rangeSource = chunk;
          this.#rangeStart = pos;
          this.#rangeEnd = pos + length;
          return VALUE_RANGE;
        }
        this.#keyText = keyText(chunk, pos, length);
        return KEY_READ;
      }
      const take = Math.min(needed, available);
      this.#parts.push(chunk.subarray(pos, pos + take));
      this.#partFilled += take;
      this.#offset = pos + take;
      if (this.#partFilled === this.#length) {
        const whole = Buffer.concat(this.#parts, this.#length);
        this.#parts = [];
        this.#partFilled = 0;
        this.#length = -1;
        return whole;
      }
    }
  }
}
