import type { IDecoder } from "@torsion/core";
import { ChunkQueue, view, viewMaker } from "./chunk-queue.js";
import { InvalidFramingOptionError } from "./errors.js";

/**
 * When a {@link LineDecoder} declares a line too long, and what it hands over. Both rules
 * are Twisted 22.4's, checked at the same moments as Twisted checks them: when a
 * delimiter completes a line, and when a fed chunk is used up without completing one.
 *
 * - `"buffered"` (Twisted's `LineReceiver`): if the unparsed bytes hold a delimiter and
 *   the line before the first one is longer than `maxLength`, the data is that line, the
 *   delimiter and every other unparsed byte (all the bytes fed and not yet consumed). If
 *   they hold no delimiter and number at least `maxLength + delimiter.length`, the data
 *   is all of them. Either way the decoder is then emptied and parsing starts afresh with
 *   the next bytes fed. The data depends on where the chunks end (Twisted's does too);
 *   whether and where (after which complete lines) a report happens does not.
 * - `"line"` (Twisted's `LineOnlyReceiver`): a complete line longer than `maxLength` is
 *   reported with the whole line (delimiter excluded), and parsing goes on after its
 *   delimiter. An unfinished line is reported when its bytes, not counting trailing
 *   bytes that could begin the delimiter, are more than `maxLength`; the data is every
 *   byte of it received so far, and the rest of that line, through its delimiter, is
 *   then skipped without being buffered. A line of exactly `maxLength` bytes is always
 *   accepted, even when a chunk ends inside its delimiter (Twisted rejects it then).
 */
export const LineLengthRule = {
  buffered: "buffered",
  line: "line",
} as const;
export type LineLengthRule = (typeof LineLengthRule)[keyof typeof LineLengthRule];

/** Options of {@link LineDecoder}. */
export interface LineDecoderOptions {
  /** The line terminator; a string is encoded as UTF-8. Must not be empty. @default "\r\n" */
  readonly delimiter?: Uint8Array | string;
  /** The longest line accepted, in bytes (delimiter excluded). @default 16384 */
  readonly maxLength?: number;
  /** When a line counts as too long. @default "buffered" */
  readonly lengthRule?: LineLengthRule;
}

/** What {@link LineDecoder.next} returns. */
export type LineDecoderEvent =
  { readonly type: "line"; readonly line: Buffer } | { readonly type: "lineLengthExceeded"; readonly data: Buffer };

const NONE = -1;
const UNDECIDED = -2;

/** Validates and normalises a delimiter option. */
export function toDelimiter(delimiter: Uint8Array | string): Buffer {
  const buffer = typeof delimiter === "string" ? Buffer.from(delimiter, "utf8") : Buffer.from(delimiter);
  if (buffer.length === 0) throw new InvalidFramingOptionError("the line delimiter must not be empty");
  return buffer;
}

/** Validates a maximum-length option (a non-negative safe integer). */
export function checkMaxLength(maxLength: number, what = "MAX_LENGTH"): number {
  if (!Number.isSafeInteger(maxLength) || maxLength < 0) {
    throw new InvalidFramingOptionError(`${what} must be a non-negative integer, got ${String(maxLength)}`);
  }
  return maxLength;
}

/**
 * A pure line splitter (no I/O): {@link feed} it chunks, pull events with {@link next}.
 *
 * Lines are delivered without the delimiter, in order, split at the first occurrence of
 * the delimiter. A line that lies inside one chunk is a zero-copy view of that chunk;
 * a line spanning chunks is copied once. Work is linear in the bytes received, however
 * they are chunked: each byte is searched at most twice (plus at most
 * `delimiter.length - 1` bytes re-checked at a chunk boundary), and the bytes of an
 * unfinished line are copied once into a carry buffer that never grows beyond
 * `maxLength + delimiter.length - 1` bytes.
 *
 * Too-long lines follow {@link LineLengthRule}. The data of a report is at most the
 * carry plus the chunks fed and not yet parsed (normally one chunk), so it is bounded by
 * the chunk size plus `maxLength + delimiter.length`.
 *
 * At end of stream ({@link finish}) an unfinished line is dropped: Twisted's line
 * protocols never deliver a last line without its delimiter.
 */
export class LineDecoder implements IDecoder<LineDecoderEvent> {
  readonly delimiter: Buffer;
  readonly maxLength: number;
  readonly lengthRule: LineLengthRule;
  readonly #dlen: number;
  readonly #firstByte: number;
  readonly #limit: number;
  readonly #queue = new ChunkQueue();
  #carry: Buffer = Buffer.alloc(0);
  #carryLength = 0;
  #discarding = false;
  #exceeded: Buffer | null = null;
  #viewChunk: Buffer | null = null;
  #viewMaker: (start: number, end: number) => Buffer = () => Buffer.alloc(0);
  #finished = false;

  constructor(options: LineDecoderOptions = {}) {
    this.delimiter = toDelimiter(options.delimiter ?? "\r\n");
    this.maxLength = checkMaxLength(options.maxLength ?? 16384, "maxLength");
    this.lengthRule = options.lengthRule ?? LineLengthRule.buffered;
    this.#dlen = this.delimiter.length;
    this.#firstByte = this.delimiter[0] as number;
    this.#limit = this.maxLength + this.#dlen;
  }

  /** Queues `chunk` (kept by reference; do not modify it afterwards). Parses nothing yet. Ignored after {@link finish}. */
  feed(chunk: Uint8Array): void {
    if (!this.#finished) this.#queue.push(chunk);
  }

  /**
   * End of stream: the complete lines still queued are returned by {@link next} as
   * before; the unfinished line after them is then dropped.
   */
  finish(): void {
    this.#finished = true;
  }

  /** Feeds `chunk` and returns every event it completes. */
  push(chunk: Uint8Array): LineDecoderEvent[] {
    this.feed(chunk);
    const events: LineDecoderEvent[] = [];
    for (let event = this.next(); event !== undefined; event = this.next()) events.push(event);
    return events;
  }

  /** The next complete event, or `undefined` when more bytes are needed. */
  next(): LineDecoderEvent | undefined {
    const line = this.nextLine();
    if (line !== null) return { type: "line", line };
    const data = this.takeExceeded();
    return data === null ? undefined : { type: "lineLengthExceeded", data };
  }

  /**
   * The fast form of {@link next}: the next complete line, or `null` when there is none
   * yet or when a too-long line is pending; {@link takeExceeded} then returns its data.
   */
  nextLine(): Buffer | null {
    if (this.#exceeded !== null) return null;
    for (;;) {
      const chunk = this.#queue.current();
      if (chunk === undefined) {
        this.#viewChunk = null;
        if (this.#finished) this.#dropCarry();
        return null;
      }
      const pos = this.#queue.offset;
      const line = this.#carryLength === 0 && !this.#discarding ? this.#scanChunk(chunk, pos) : this.#scanWithCarry(chunk, pos);
      if (line !== null) return line;
      // The scan may have found a too-long frame (a method call TypeScript's narrowing cannot see into).
      if (this.#hasExceeded()) return null;
    }
  }

  /** Whether a too-long frame is pending ({@link takeExceeded} returns it). */
  #hasExceeded(): boolean {
    return this.#exceeded !== null;
  }

  /** The data of a too-long line found by {@link nextLine} (once), or `null`. */
  takeExceeded(): Buffer | null {
    const data = this.#exceeded;
    this.#exceeded = null;
    return data;
  }

  /**
   * Removes and returns every byte not yet parsed (the start of an unfinished line and
   * anything queued), e.g. to hand it to raw mode. Ends the skipping of a too-long line.
   */
  takeRest(): Buffer {
    const carried = this.#discarding ? 0 : this.#carryLength;
    const queued = this.#queue.takeAll();
    this.#carryLength = 0;
    this.#discarding = false;
    this.#exceeded = null;
    if (carried === 0) return queued;
    return Buffer.concat([this.#carry.subarray(0, carried), queued]);
  }

  #dropCarry(): void {
    this.#carryLength = 0;
    this.#discarding = false;
    this.#carry = Buffer.alloc(0);
  }

  /** How many received bytes are held unparsed (carried partial line plus queued input). */
  get bufferedLength(): number {
    return (this.#discarding ? 0 : this.#carryLength) + this.#queue.length;
  }

  /** How many bytes the carry buffer holds; never more than `maxLength + delimiter.length - 1`. */
  get carriedLength(): number {
    return this.#carryLength;
  }

  /**
   * First delimiter at or after `from` in `chunk`, or -1. Searches for the first byte
   * (the fast single-byte search) and checks the rest; after a false hit it falls back to
   * a full search, so a chunk costs at most two native searches per line.
   */
  #indexOf(chunk: Buffer, from: number): number {
    const hit = chunk.indexOf(this.#firstByte, from);
    const dlen = this.#dlen;
    if (dlen === 1 || hit < 0) return hit;
    if (hit + dlen > chunk.length) return -1;
    const delimiter = this.delimiter;
    let matched = true;
    for (let k = 1; k < dlen && matched; k += 1) matched = chunk[hit + k] === delimiter[k];
    return matched ? hit : chunk.indexOf(delimiter, hit + 1);
  }

  /** Fast path: nothing carried, so a line found in `chunk` is a view of it. */
  #scanChunk(chunk: Buffer, pos: number): Buffer | null {
    const end = this.#indexOf(chunk, pos);
    if (end < 0) return this.#partial(chunk, pos);
    if (end - pos > this.maxLength) return this.#reportLine(chunk, pos, 0, end, end + this.#dlen);
    this.#queue.offset = end + this.#dlen;
    if (chunk !== this.#viewChunk) this.#viewMaker = viewMaker(chunk);
    this.#viewChunk = chunk;
    return this.#viewMaker(pos, end);
  }

  /** Slow path: a partial line (or the tail of a skipped line) is carried from before. */
  #scanWithCarry(chunk: Buffer, pos: number): Buffer | null {
    const crossing = this.#dlen > 1 ? this.#crossingMatch(chunk, pos) : NONE;
    if (crossing >= 0) {
      const delimiterEnd = pos + this.#dlen - (this.#carryLength - crossing);
      return this.#completeLine(chunk, pos, crossing, pos, delimiterEnd);
    }
    const end = crossing === UNDECIDED ? -1 : this.#indexOf(chunk, pos);
    if (end < 0) return this.#partial(chunk, pos);
    return this.#completeLine(chunk, pos, this.#carryLength, end, end + this.#dlen);
  }

  /**
   * A delimiter ends the current line: `carried` bytes from the carry plus
   * `chunk[pos, end)`; the delimiter ends at `delimiterEnd` in `chunk`.
   */
  #completeLine(chunk: Buffer, pos: number, carried: number, end: number, delimiterEnd: number): Buffer | null {
    const length = carried + (end - pos);
    if (this.#discarding) {
      this.#carryLength = 0;
      this.#discarding = false;
      this.#queue.offset = delimiterEnd;
      return null;
    }
    if (length > this.maxLength) return this.#reportLine(chunk, pos, carried, end, delimiterEnd);
    const line = Buffer.allocUnsafe(length);
    this.#carry.copy(line, 0, 0, carried);
    chunk.copy(line, carried, pos, end);
    this.#carryLength = 0;
    this.#queue.offset = delimiterEnd;
    return line;
  }

  /**
   * A delimiter completes a line longer than `maxLength` (laid out as in
   * {@link #completeLine}). `"buffered"`: report every unparsed byte and empty the
   * decoder. `"line"`: report the line and go on after its delimiter.
   */
  #reportLine(chunk: Buffer, pos: number, carried: number, end: number, delimiterEnd: number): null {
    if (this.lengthRule === LineLengthRule.buffered) {
      this.#exceeded = this.#takeUnparsed(pos);
      return null;
    }
    this.#exceeded = this.#joinCarry(carried, chunk, pos, end);
    this.#carryLength = 0;
    this.#queue.offset = delimiterEnd;
    return null;
  }

  /** No delimiter completes in `chunk[pos..]`: carry it, skip it, or report the line. */
  #partial(chunk: Buffer, pos: number): null {
    if (this.#discarding) {
      this.#keepTail(chunk, pos, this.#dlen - 1);
      return null;
    }
    const available = this.#carryLength + (chunk.length - pos);
    if (this.lengthRule === LineLengthRule.buffered) {
      if (available < this.#limit) this.#append(chunk, pos);
      else this.#exceeded = this.#takeUnparsed(pos);
      return null;
    }
    if (available - this.#partialDelimiterLength(chunk, pos) <= this.maxLength) {
      this.#append(chunk, pos);
      return null;
    }
    this.#exceeded = this.#joinCarry(this.#carryLength, chunk, pos, chunk.length);
    this.#discarding = true;
    this.#keepTail(chunk, pos, this.#dlen - 1);
    return null;
  }

  /**
   * Removes and returns every unparsed byte: the carry plus everything queued from
   * `pos` in the current chunk on. A view of the chunk when that is all there is.
   */
  #takeUnparsed(pos: number): Buffer {
    this.#queue.offset = pos;
    const queued = this.#queue.takeAll();
    const carried = this.#carryLength;
    this.#carryLength = 0;
    if (carried === 0) return queued;
    return Buffer.concat([this.#carry.subarray(0, carried), queued], carried + queued.length);
  }

  /** The first `carried` carry bytes plus `chunk[pos, end)`: a view when nothing is carried, else a copy. */
  #joinCarry(carried: number, chunk: Buffer, pos: number, end: number): Buffer {
    if (carried === 0) return view(chunk, pos, end);
    const out = Buffer.allocUnsafe(carried + (end - pos));
    this.#carry.copy(out, 0, 0, carried);
    chunk.copy(out, carried, pos, end);
    return out;
  }

  /** Index in the carry where a delimiter starts and completes in `chunk`, NONE, or UNDECIDED. */
  #crossingMatch(chunk: Buffer, pos: number): number {
    const carry = this.#carry;
    const carried = this.#carryLength;
    const have = chunk.length - pos;
    for (let start = Math.max(0, carried - this.#dlen + 1); start < carried; start += 1) {
      const inCarry = carried - start;
      if (carry.compare(this.delimiter, 0, inCarry, start, carried) !== 0) continue;
      const need = this.#dlen - inCarry;
      const checked = Math.min(need, have);
      if (chunk.compare(this.delimiter, inCarry, inCarry + checked, pos, pos + checked) !== 0) continue;
      return checked === need ? start : UNDECIDED;
    }
    return NONE;
  }

  /** Length of the longest proper delimiter prefix that ends the bytes carry + `chunk[pos..]`. */
  #partialDelimiterLength(chunk: Buffer, pos: number): number {
    const total = this.#carryLength + (chunk.length - pos);
    for (let k = Math.min(this.#dlen - 1, total); k > 0; k -= 1) {
      let match = true;
      for (let t = 0; t < k && match; t += 1) match = this.#byteAt(total - k + t, chunk, pos) === this.delimiter[t];
      if (match) return k;
    }
    return 0;
  }

  #byteAt(index: number, chunk: Buffer, pos: number): number {
    return index < this.#carryLength ? (this.#carry[index] as number) : (chunk[pos + index - this.#carryLength] as number);
  }

  /** Appends `chunk[pos..]` to the carry (bounded by the caller's length check). */
  #append(chunk: Buffer, pos: number): void {
    const needed = this.#carryLength + (chunk.length - pos);
    if (needed > this.#carry.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.#limit, Math.max(needed, this.#carry.length * 2, 64)));
      this.#carry.copy(grown, 0, 0, this.#carryLength);
      this.#carry = grown;
    }
    chunk.copy(this.#carry, this.#carryLength, pos);
    this.#carryLength = needed;
    this.#queue.offset = chunk.length;
  }

  /** Keeps only the last `keep` bytes of carry + `chunk[pos..]` (while skipping a line). */
  #keepTail(chunk: Buffer, pos: number, keep: number): void {
    const total = this.#carryLength + (chunk.length - pos);
    const tail = Buffer.allocUnsafe(Math.min(keep, total));
    for (let i = 0; i < tail.length; i += 1) tail[i] = this.#byteAt(total - tail.length + i, chunk, pos);
    if (this.#carry.length < tail.length) this.#carry = Buffer.allocUnsafe(Math.max(tail.length, 64));
    tail.copy(this.#carry, 0);
    this.#carryLength = tail.length;
    this.#queue.offset = chunk.length;
  }
}
