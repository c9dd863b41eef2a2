import type { IDecoder } from "@torsion/core";
import { LineDecoder, LineLengthRule } from "@torsion/protocols";
import { LineTooLongError, MalformedReplyError, ValueTooLargeError } from "./errors.js";
import { parseDecimal, splitWhitespace } from "./wire.js";

/** Options of {@link MemcacheReplyDecoder}. */
export interface MemcacheReplyDecoderOptions {
  /** The longest reply line accepted, in bytes, CRLF excluded. @default 16384 (Twisted's `MAX_LENGTH`) */
  readonly maxLineLength?: number;
  /** The largest value block accepted, in bytes. @default 16 MiB */
  readonly maxValueLength?: number;
  /**
   * Whether the two bytes after a value block must be CRLF (Twisted skips them unchecked).
   * @default true
   */
  readonly checkTrailer?: boolean;
}

/** A `VALUE <key> <flags> <bytes> [<cas>]` line, returned as soon as it is complete (before its data). */
export interface ValueHeaderFrame {
  readonly kind: "valueHeader";
  /** The whitespace-separated fields after `VALUE` (3 for `get`, 4 for `gets`; views). */
  readonly fields: readonly Buffer[];
  /** The announced length of the data block. */
  readonly length: number;
}

/** The data block of a value (CRLF trailer removed), returned once all of it arrived. */
export interface ValueDataFrame {
  readonly kind: "valueData";
  readonly data: Buffer;
}

/**
 * What {@link MemcacheReplyDecoder.next} returns: a reply line (a bare `Buffer` without
 * its CRLF, the common case), or a value's header or data.
 */
export type MemcacheReplyFrame = Buffer | ValueHeaderFrame | ValueDataFrame;

const VALUE_PREFIX = Buffer.from("VALUE ", "latin1");

const DEFAULT_MAX_VALUE = 16 * 1024 * 1024;

/**
 * The pure decoder of memcached text-protocol replies (an {@link IDecoder}): CRLF lines,
 * and after each `VALUE` line the data block it announces (read by length, so values may
 * hold CR, LF and anything else). It knows nothing of commands; the protocol matches the
 * frames to its queue.
 *
 * - Chunk-agnostic and linear: lines come from a {@link LineDecoder} (a read offset, a
 *   bounded carry); a value block is collected as views of the chunks and copied once
 *   at most (a block inside one chunk is a view of it).
 * - Bounded: a line over `maxLineLength` throws {@link LineTooLongError} (Twisted's
 *   `LineReceiver` rule: a line longer than the limit, or that many bytes without CRLF);
 *   a `VALUE` line announcing more than `maxValueLength` throws {@link ValueTooLargeError}
 *   before anything is buffered; a header that does not parse (not 3 or 4 fields, a
 *   length that is not a non-negative integer) and, with `checkTrailer`, a block not
 *   followed by CRLF throw {@link MalformedReplyError}.
 * - End of stream: complete frames are still returned after `finish()`; a partial line
 *   or value is dropped (the protocol fails its pending commands with the connection's
 *   reason anyway).
 *
 * {@link valueBytesRead} counts the block bytes consumed, so the protocol can restart its
 * timeout on every chunk of a value, as Twisted does in raw mode.
 */
export class MemcacheReplyDecoder implements IDecoder<MemcacheReplyFrame> {
  readonly maxLineLength: number;
  readonly maxValueLength: number;
  readonly checkTrailer: boolean;
  /** Bytes of value blocks (data and trailer) consumed so far. */
  valueBytesRead = 0;
  readonly #lines: LineDecoder;
  /** Data plus trailer bytes still wanted, or -1 in line mode. */
  #remaining = -1;
  #length = 0;
  #parts: Buffer[] = [];
  #partsLength = 0;
  #finished = false;
  #broken = false;

  constructor(options: MemcacheReplyDecoderOptions = {}) {
    this.maxLineLength = options.maxLineLength ?? 16384;
    this.maxValueLength = options.maxValueLength ?? DEFAULT_MAX_VALUE;
    this.checkTrailer = options.checkTrailer ?? true;
    if (!Number.isSafeInteger(this.maxValueLength) || this.maxValueLength < 0)
      throw new RangeError("maxValueLength must be a non-negative integer");
    this.#lines = new LineDecoder({ delimiter: "\r\n", maxLength: this.maxLineLength, lengthRule: LineLengthRule.buffered });
  }

  /** True while a value block is being read (Twisted's raw mode). */
  get inValue(): boolean {
    return this.#remaining >= 0;
  }

  feed(chunk: Uint8Array): void {
    if (!this.#broken) this.#lines.feed(chunk);
  }

  next(): MemcacheReplyFrame | undefined {
    if (this.#broken) return undefined;
    if (this.#remaining >= 0) return this.#nextData();
    const line = this.#lines.nextLine();
    if (line === null) {
      const exceeded = this.#lines.takeExceeded();
      if (exceeded === null) return undefined;
      throw this.#fail(new LineTooLongError(`a reply line is longer than ${this.maxLineLength} bytes`));
    }
    if (line.length >= 6 && line[0] === 0x56 && isValueLine(line)) return this.#header(line);
    return line;
  }

  finish(): void {
    this.#finished = true;
    if (this.#remaining < 0) this.#lines.finish();
  }

  get bufferedLength(): number {
    return this.#broken ? 0 : this.#lines.bufferedLength + this.#partsLength;
  }

  #header(line: Buffer): ValueHeaderFrame {
    const fields = splitWhitespace(line, 6);
    if (fields.length !== 3 && fields.length !== 4) {
      throw this.#fail(new MalformedReplyError("badValueHeader", `a VALUE line has ${fields.length} fields, not 3 or 4`));
    }
    const length = parseDecimal(fields[2] as Buffer);
    if (length === null || length < 0) throw this.#fail(new MalformedReplyError("badValueHeader", "a VALUE line has no valid length"));
    if (length > this.maxValueLength) throw this.#fail(new ValueTooLargeError(Number(length), this.maxValueLength));
    this.#length = Number(length);
    this.#remaining = this.#length + 2;
    return { kind: "valueHeader", fields, length: this.#length };
  }

  #nextData(): ValueDataFrame | undefined {
    const rest = this.#lines.takeRest();
    if (rest.length === 0) return undefined;
    const wanted = this.#remaining;
    if (rest.length < wanted) {
      this.#parts.push(rest);
      this.#partsLength += rest.length;
      this.#remaining -= rest.length;
      this.valueBytesRead += rest.length;
      return undefined;
    }
    this.valueBytesRead += wanted;
    if (rest.length > wanted) this.#lines.feed(rest.subarray(wanted));
    if (this.#finished) this.#lines.finish();
    // The block (data and trailer) is `rest[0, wanted)` after the parts; the common case
    // (no parts) views the data in `rest` directly.
    const block = this.#parts.length === 0 ? rest : joined(this.#parts, rest, wanted, this.#partsLength + wanted);
    this.#parts = [];
    this.#partsLength = 0;
    this.#remaining = -1;
    const length = this.#length;
    if (this.checkTrailer && (block[length] !== 0x0d || block[length + 1] !== 0x0a)) {
      throw this.#fail(new MalformedReplyError("badValueTrailer", "a value block is not followed by CRLF"));
    }
    return { kind: "valueData", data: block.subarray(0, length) };
  }

  #fail(error: Error): Error {
    this.#broken = true;
    this.#parts = [];
    this.#partsLength = 0;
    this.#lines.takeRest();
    return error;
  }
}

/** Whether `line` starts with `VALUE ` (compared in place: no view allocated per line). */
function isValueLine(line: Buffer): boolean {
  for (let i = 1; i < 6; i += 1) if (line[i] !== VALUE_PREFIX[i]) return false;
  return true;
}

/**
 * `parts` then `last[0, lastLength)` copied into one new buffer of `length` bytes
 * (`Buffer.concat` costs several times more for a few small parts).
 */
function joined(parts: readonly Buffer[], last: Buffer, lastLength: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const part of parts) at += part.copy(out, at);
  last.copy(out, at, 0, lastLength);
  return out;
}
