import type { IDecoder } from "@torsion/core";
import { ChunkQueue } from "@torsion/protocols/internal";
import { RedisError, RespLimitError, RespProtocolError, RespTruncatedError } from "./errors.js";
import { RespMap, RespPush, RespSet, VerbatimString, type RespValue } from "./resp-types.js";

/** Options of {@link RespDecoder}. */
export interface RespDecoderOptions {
  /** The longest bulk string, blob error or verbatim string, in bytes. @default 512 MiB (Redis's own `proto-max-bulk-len`) */
  readonly maxBulkLength?: number;
  /** The longest header or simple line (`+`, `-`, `:`, ...), in bytes. @default 64 KiB */
  readonly maxLineLength?: number;
  /** The most elements of one aggregate (a map counts its pairs). @default 2^24 */
  readonly maxAggregateLength?: number;
  /** The deepest nesting of aggregates. @default 256 */
  readonly maxDepth?: number;
}

/** An aggregate being assembled. */
interface Pending {
  /** The type byte: `*` array, `%` map, `~` set, `>` push, `|` attribute. */
  readonly type: number;
  /** Elements still to come (a map's are 2 per pair). */
  remaining: number;
  readonly items: RespValue[];
}

const CR = 13;
const LF = 10;
const SMALL_COPY = 64;
const BIG_BUFFER = 2048;
/** What {@link RespDecoder.#complete} returns while the outermost aggregate is unfinished. */
const MORE: unique symbol = Symbol("more");

/**
 * An incremental decoder of RESP2 and RESP3 replies: an {@link IDecoder} of
 * {@link RespValue}s (a top-level error reply is a {@link RedisError} value, a push a
 * {@link RespPush}; a top-level attribute is not a frame: it is kept as
 * {@link lastAttribute} and the value it precedes is returned).
 *
 * - **Any chunking**: a header line or a payload may be split anywhere.
 * - **Binary-safe**: bulk strings are `Buffer`s (views of the chunks fed when they lie in
 *   one; small ones in a big read buffer are copied so they do not keep it alive).
 * - **Linear**: one pass over the bytes; nested aggregates are assembled on an explicit
 *   stack, so a deep reply split over many chunks is never re-parsed.
 * - **Bounded**: each limit of {@link RespDecoderOptions} is checked on the header, before
 *   any payload is held; past one, `next()` throws {@link RespLimitError}. Malformed input
 *   throws {@link RespProtocolError}; the stream ending inside a reply throws
 *   {@link RespTruncatedError} after `finish()`.
 *
 * RESP3's streamed strings and aggregates (`$?`, `*?`) are not supported (Redis 7 never
 * sends them): they are a protocol error.
 */
export class RespDecoder implements IDecoder<RespValue> {
  readonly #queue = new ChunkQueue();
  readonly #maxBulk: number;
  readonly #maxLine: number;
  readonly #maxAggregate: number;
  readonly #maxDepth: number;
  readonly #stack: Pending[] = [];
  /** Bytes of a line split across chunks. */
  #partial: Buffer = Buffer.alloc(0);
  #partialLength = 0;
  /** The line found by #readLine: `#lineBuf[#lineStart, #lineEnd)`, without CRLF. */
  #lineBuf: Buffer = this.#partial;
  #lineStart = 0;
  #lineEnd = 0;
  /** A blob payload in progress: its type (0 when none), length, parts and trailer bytes seen. */
  #blobType = 0;
  #blobLength = 0;
  #blobReceived = 0;
  #blobParts: Buffer[] = [];
  #blobTrailer = 0;
  #finished = false;
  #broken = false;
  /** The last attribute (`|`) received, or `null`. */
  lastAttribute: RespMap | null = null;

  constructor(options: RespDecoderOptions = {}) {
    this.#maxBulk = options.maxBulkLength ?? 512 * 1024 * 1024;
    this.#maxLine = options.maxLineLength ?? 64 * 1024;
    this.#maxAggregate = options.maxAggregateLength ?? 2 ** 24;
    this.#maxDepth = options.maxDepth ?? 256;
  }

  feed(chunk: Uint8Array): void {
    if (this.#finished || this.#broken) return;
    this.#queue.push(chunk);
  }

  finish(): void {
    this.#finished = true;
  }

  get bufferedLength(): number {
    if (this.#broken) return 0;
    return this.#queue.length + this.#partialLength + this.#blobReceived;
  }

  next(): RespValue | undefined {
    if (this.#broken) return undefined;
    try {
      const value = this.#parse();
      if (value === undefined && this.#finished && this.#holdsPartial()) {
        throw new RespTruncatedError("the stream ended inside a reply");
      }
      return value;
    } catch (error) {
      this.#break();
      throw error;
    }
  }

  #holdsPartial(): boolean {
    return this.#stack.length > 0 || this.#partialLength > 0 || this.#blobType !== 0 || this.#queue.length > 0;
  }

  #break(): void {
    this.#broken = true;
    this.#queue.clear();
    this.#stack.length = 0;
    this.#blobParts = [];
    this.#blobReceived = 0;
    this.#partialLength = 0;
  }

  #parse(): RespValue | undefined {
    for (;;) {
      let value: RespValue | typeof MORE;
      if (this.#blobType !== 0) {
        const blob = this.#continueBlob();
        if (blob === undefined) return undefined;
        value = blob;
      } else {
        if (!this.#readLine()) return undefined;
        value = this.#header();
        if (value === MORE) continue;
      }
      const done = this.#complete(value);
      if (done !== MORE) return done;
    }
  }

  /** Adds a finished value to the aggregates in progress; returns the top-level value when one is complete. */
  #complete(value: RespValue): RespValue | typeof MORE {
    const stack = this.#stack;
    let current = value;
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) return current;
      top.items.push(current);
      top.remaining -= 1;
      if (top.remaining > 0) return MORE;
      stack.pop();
      const built = this.#build(top);
      if (built === MORE) return MORE;
      current = built;
    }
  }

  #build(frame: Pending): RespValue | typeof MORE {
    switch (frame.type) {
      case 0x2a /* * */:
        return frame.items;
      case 0x7e /* ~ */:
        return new RespSet(frame.items);
      case 0x3e /* > */:
        return new RespPush(frame.items);
      default: {
        const map = new RespMap(pairs(frame.items));
        if (frame.type === 0x25 /* % */) return map;
        this.lastAttribute = map; // an attribute: not an element of anything
        return MORE;
      }
    }
  }

  /** Interprets the line just read; returns a finished value, or MORE when an aggregate or blob started. */
  #header(): RespValue | typeof MORE {
    const buf = this.#lineBuf;
    const start = this.#lineStart;
    const end = this.#lineEnd;
    if (end === start) throw new RespProtocolError("empty RESP line");
    const type = buf[start] as number;
    switch (type) {
      case 0x2b /* + */:
        if (end - start === 3 && buf[start + 1] === 0x4f && buf[start + 2] === 0x4b) return "OK";
        return buf.toString("utf8", start + 1, end);
      case 0x2d /* - */:
        return RedisError.fromLine(buf.toString("utf8", start + 1, end));
      case 0x3a /* : */:
        return integer(buf, start + 1, end);
      case 0x24 /* $ */:
      case 0x21 /* ! */:
      case 0x3d /* = */:
        return this.#blobHeader(type, length(buf, start + 1, end));
      case 0x2a /* * */:
      case 0x25 /* % */:
      case 0x7e /* ~ */:
      case 0x3e /* > */:
      case 0x7c /* | */:
        return this.#aggregateHeader(type, length(buf, start + 1, end));
      case 0x5f /* _ */:
        if (end - start !== 1) throw new RespProtocolError("RESP3 null with a payload");
        return null;
      case 0x23 /* # */:
        return boolean(buf, start + 1, end);
      case 0x2c /* , */:
        return double(buf.toString("latin1", start + 1, end));
      case 0x28 /* ( */:
        return bigNumber(buf.toString("latin1", start + 1, end));
      default:
        throw new RespProtocolError(`unknown RESP type byte 0x${type.toString(16).padStart(2, "0")}`);
    }
  }

  #aggregateHeader(type: number, count: number): RespValue | typeof MORE {
    if (count === -1) {
      if (type === 0x2a) return null;
      throw new RespProtocolError(`negative length for RESP type ${String.fromCharCode(type)}`);
    }
    if (count > this.#maxAggregate) throw new RespLimitError("aggregate", count, this.#maxAggregate);
    const elements = type === 0x25 || type === 0x7c ? count * 2 : count;
    if (elements === 0) return this.#build({ type, remaining: 0, items: [] });
    if (this.#stack.length >= this.#maxDepth) throw new RespLimitError("depth", this.#stack.length + 1, this.#maxDepth);
    this.#stack.push({ type, remaining: elements, items: [] });
    return MORE;
  }

  #blobHeader(type: number, size: number): RespValue | typeof MORE {
    if (size === -1) {
      if (type === 0x24) return null;
      throw new RespProtocolError(`negative length for RESP type ${String.fromCharCode(type)}`);
    }
    if (size > this.#maxBulk) throw new RespLimitError("bulk", size, this.#maxBulk);
    const queue = this.#queue;
    const chunk = queue.current();
    if (chunk !== undefined && chunk.length - queue.offset >= size + 2) {
      const at = queue.offset;
      if (chunk[at + size] !== CR || chunk[at + size + 1] !== LF) throw new RespProtocolError("bulk string not followed by CRLF");
      queue.offset = at + size + 2;
      return blobValue(type, ownedView(chunk, at, at + size));
    }
    this.#blobType = type;
    this.#blobLength = size;
    this.#blobReceived = 0;
    this.#blobTrailer = 0;
    this.#blobParts = [];
    return MORE;
  }

  /** Reads more of the blob in progress; returns its value once its CRLF is read. */
  #continueBlob(): RespValue | undefined {
    const queue = this.#queue;
    while (this.#blobReceived < this.#blobLength) {
      const chunk = queue.current();
      if (chunk === undefined) return undefined;
      const take = Math.min(this.#blobLength - this.#blobReceived, chunk.length - queue.offset);
      this.#blobParts.push(chunk.subarray(queue.offset, queue.offset + take));
      queue.offset += take;
      this.#blobReceived += take;
    }
    while (this.#blobTrailer < 2) {
      const chunk = queue.current();
      if (chunk === undefined) return undefined;
      const expected = this.#blobTrailer === 0 ? CR : LF;
      if (chunk[queue.offset] !== expected) throw new RespProtocolError("bulk string not followed by CRLF");
      queue.offset += 1;
      this.#blobTrailer += 1;
    }
    const parts = this.#blobParts;
    const payload = parts.length === 1 ? Buffer.from(parts[0] as Buffer) : Buffer.concat(parts, this.#blobLength);
    const type = this.#blobType;
    this.#blobType = 0;
    this.#blobParts = [];
    this.#blobReceived = 0;
    return blobValue(type, payload);
  }

  /** Finds the next CRLF-terminated line; false when more bytes are needed. */
  #readLine(): boolean {
    const queue = this.#queue;
    for (;;) {
      const chunk = queue.current();
      if (chunk === undefined) return false;
      const start = queue.offset;
      const newline = chunk.indexOf(LF, start);
      if (newline < 0) {
        this.#appendPartial(chunk, start, chunk.length);
        queue.offset = chunk.length;
        continue;
      }
      queue.offset = newline + 1;
      if (this.#partialLength === 0) {
        this.#lineBuf = chunk;
        this.#lineStart = start;
        this.#lineEnd = newline;
      } else {
        this.#appendPartial(chunk, start, newline);
        this.#lineBuf = this.#partial;
        this.#lineStart = 0;
        this.#lineEnd = this.#partialLength;
        this.#partialLength = 0;
      }
      const end = this.#lineEnd;
      if (end === this.#lineStart || this.#lineBuf[end - 1] !== CR) throw new RespProtocolError("RESP line not terminated by CRLF");
      this.#lineEnd = end - 1;
      if (this.#lineEnd - this.#lineStart > this.#maxLine) throw new RespLimitError("line", this.#lineEnd - this.#lineStart, this.#maxLine);
      return true;
    }
  }

  #appendPartial(chunk: Buffer, start: number, end: number): void {
    const needed = this.#partialLength + (end - start);
    if (needed > this.#maxLine + 1) throw new RespLimitError("line", needed, this.#maxLine);
    if (needed > this.#partial.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#partial.length * 2, 64));
      this.#partial.copy(grown, 0, 0, this.#partialLength);
      this.#partial = grown;
    }
    chunk.copy(this.#partial, this.#partialLength, start, end);
    this.#partialLength = needed;
  }
}

function pairs(items: RespValue[]): [RespValue, RespValue][] {
  const out = new Array<[RespValue, RespValue]>(items.length / 2);
  for (let i = 0; i < items.length; i += 2) out[i / 2] = [items[i] as RespValue, items[i + 1] as RespValue];
  return out;
}

/** A view of `chunk[start, end)`, copied when it is small and `chunk` lies in a big buffer. */
function ownedView(chunk: Buffer, start: number, end: number): Buffer {
  if (end - start <= SMALL_COPY && chunk.buffer.byteLength > BIG_BUFFER) {
    const copy = Buffer.allocUnsafe(end - start);
    chunk.copy(copy, 0, start, end);
    return copy;
  }
  return chunk.subarray(start, end);
}

function blobValue(type: number, payload: Buffer): RespValue {
  if (type === 0x24) return payload;
  if (type === 0x21) return RedisError.fromLine(payload.toString("utf8"));
  if (payload.length < 4 || payload[3] !== 0x3a) throw new RespProtocolError("verbatim string without a format prefix");
  return new VerbatimString(payload.toString("latin1", 0, 3), payload.subarray(4));
}

/** A length field: -1 or a non-negative decimal. */
function length(buf: Buffer, start: number, end: number): number {
  if (end - start === 2 && buf[start] === 0x2d && buf[start + 1] === 0x31) return -1;
  if (end === start || end - start > 15) throw new RespProtocolError("bad RESP length");
  let n = 0;
  for (let i = start; i < end; i += 1) {
    const digit = (buf[i] as number) - 0x30;
    if (digit < 0 || digit > 9) {
      if (digit === 0x3f - 0x30) throw new RespProtocolError("RESP3 streamed types are not supported");
      throw new RespProtocolError("bad RESP length");
    }
    n = n * 10 + digit;
  }
  return n;
}

/** A RESP integer: a number, or a bigint beyond the safe range. */
function integer(buf: Buffer, start: number, end: number): number | bigint {
  const negative = buf[start] === 0x2d;
  const first = negative || buf[start] === 0x2b ? start + 1 : start;
  if (first === end) throw new RespProtocolError("bad RESP integer");
  if (end - first <= 15) {
    let n = 0;
    for (let i = first; i < end; i += 1) {
      const digit = (buf[i] as number) - 0x30;
      if (digit < 0 || digit > 9) throw new RespProtocolError("bad RESP integer");
      n = n * 10 + digit;
    }
    return negative ? -n : n;
  }
  const big = bigNumber(buf.toString("latin1", start, end));
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

const BIG_NUMBER = /^[-+]?\d+$/;

function bigNumber(text: string): bigint {
  if (!BIG_NUMBER.test(text)) throw new RespProtocolError("bad RESP big number");
  return BigInt(text);
}

function boolean(buf: Buffer, start: number, end: number): boolean {
  if (end - start === 1 && buf[start] === 0x74) return true;
  if (end - start === 1 && buf[start] === 0x66) return false;
  throw new RespProtocolError("bad RESP3 boolean");
}

const DOUBLE = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function double(text: string): number {
  const lower = text.toLowerCase();
  if (lower === "inf" || lower === "+inf") return Infinity;
  if (lower === "-inf") return -Infinity;
  if (lower === "nan" || lower === "-nan") return NaN;
  if (!DOUBLE.test(text)) throw new RespProtocolError("bad RESP3 double");
  return Number(text);
}
