import type { IDecoder } from "@torsion/core";
import { ChunkQueue, view } from "./chunk-queue.js";
import { NetstringParseError, NetstringParseReason } from "./errors.js";
import { checkMaxLength } from "./line-decoder.js";

/** Options of {@link NetstringDecoder}. */
export interface NetstringDecoderOptions {
  /** The longest payload accepted, in bytes. @default 99999 */
  readonly maxLength?: number;
}

/** What {@link NetstringDecoder.next} returns: one complete netstring's payload. */
export interface NetstringDecoderEvent {
  readonly type: "string";
  readonly payload: Buffer;
}

const State = {
  lengthStart: 0,
  lengthZero: 1,
  lengthDigits: 2,
  newline: 3,
  payload: 4,
  comma: 5,
  broken: 6,
} as const;
type State = (typeof State)[keyof typeof State];

const COLON = 0x3a;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const ZERO = 0x30;
const NINE = 0x39;
const EMPTY = Buffer.alloc(0);

/**
 * A pure netstring parser (`<decimal length>:<payload>,`), with Twisted's rules:
 *
 * - The length is `0` or digits without a leading zero (`"05:"` and `"00:"` are errors).
 * - The length is checked against `maxLength` digit by digit, before the `:` arrives.
 * - A payload that lies inside one chunk is a zero-copy view; otherwise it is copied
 *   once into a buffer of exactly its length (at most `maxLength` bytes).
 * - A missing comma is noticed when the byte after the payload arrives.
 * - Twisted quirk kept for compatibility (it does not depend on chunking): a `"\n"`
 *   right after the digits is an error only once the byte after it arrives.
 *
 * The first error is thrown once by {@link next} as a {@link NetstringParseError} (a
 * `DecodeError`); the decoder is then broken: it drops what it holds, ignores all further
 * input, and `next()` returns `undefined`. At end of stream ({@link finish}) a partial
 * netstring is dropped. Linear time in the bytes received.
 */
export class NetstringDecoder implements IDecoder<NetstringDecoderEvent> {
  /** The longest payload accepted; may be changed between frames. */
  maxLength: number;
  readonly #queue = new ChunkQueue();
  #state: State = State.lengthStart;
  #length = 0;
  #payload: Buffer | null = null;
  #filled = 0;
  #ready: Buffer = EMPTY;
  #finished = false;

  constructor(options: NetstringDecoderOptions = {}) {
    this.maxLength = checkMaxLength(options.maxLength ?? 99999, "maxLength");
  }

  /** Whether a parse error happened (all later input is ignored). */
  get broken(): boolean {
    return this.#state === State.broken;
  }

  /** How many bytes are held: queued input plus a partly received payload. */
  get bufferedLength(): number {
    return this.#queue.length + this.#filled;
  }

  /** Queues `chunk` by reference (ignored once broken or finished). Parses nothing yet. */
  feed(chunk: Uint8Array): void {
    if (this.#state !== State.broken && !this.#finished) this.#queue.push(chunk);
  }

  /**
   * End of stream: complete netstrings still queued are returned by {@link next} as
   * before; a partial one after them is dropped (it is not an error, as in Twisted).
   */
  finish(): void {
    this.#finished = true;
  }

  /**
   * Feeds `chunk` and returns every string it completes.
   * @throws NetstringParseError as {@link next} does (strings completed before the error
   *   in this chunk are then not returned; call `next()` yourself to get them)
   */
  push(chunk: Uint8Array): NetstringDecoderEvent[] {
    this.feed(chunk);
    const events: NetstringDecoderEvent[] = [];
    for (let event = this.next(); event !== undefined; event = this.next()) events.push(event);
    return events;
  }

  /**
   * The next complete string, or `undefined` when more bytes are needed.
   * @throws NetstringParseError at the first malformed byte (once; the decoder is then broken)
   */
  next(): NetstringDecoderEvent | undefined {
    for (;;) {
      const chunk = this.#queue.current();
      if (chunk === undefined) {
        if (this.#finished) this.#dropPartial();
        return undefined;
      }
      let event: NetstringDecoderEvent | undefined;
      if (this.#state === State.payload) this.#readPayload(chunk);
      else if (this.#state === State.comma) event = this.#readComma(chunk);
      else event = this.#readLength(chunk);
      if (event !== undefined) return event;
    }
  }

  #readLength(chunk: Buffer): NetstringDecoderEvent | undefined {
    let pos = this.#queue.offset;
    while (pos < chunk.length) {
      const byte = chunk[pos] as number;
      pos += 1;
      const error = this.#lengthByte(byte);
      if (error !== undefined) return this.#fail(error);
      if (this.#state === State.payload || this.#state === State.comma) break;
    }
    this.#queue.offset = pos;
    return undefined;
  }

  /** Advances the length state machine by one byte; returns an error if the byte is bad. */
  #lengthByte(byte: number): NetstringParseError | undefined {
    const isDigit = byte >= ZERO && byte <= NINE;
    switch (this.#state) {
      case State.lengthStart:
        if (!isDigit) return illegal("a netstring must start with a decimal length");
        this.#length = byte - ZERO;
        this.#state = byte === ZERO ? State.lengthZero : State.lengthDigits;
        return this.#checkLength();
      case State.lengthZero:
      case State.lengthDigits:
        if (byte === COLON) {
          this.#startPayload();
          return undefined;
        }
        if (byte === NEWLINE) {
          this.#state = State.newline;
          return undefined;
        }
        if (!isDigit || this.#state === State.lengthZero)
          return illegal("the netstring length is not a decimal number without leading zeros");
        this.#length = this.#length * 10 + (byte - ZERO);
        return this.#checkLength();
      default:
        return illegal("the netstring length is followed by a newline instead of ':'");
    }
  }

  #checkLength(): NetstringParseError | undefined {
    if (this.#length <= this.maxLength) return undefined;
    return new NetstringParseError(
      NetstringParseReason.tooLong,
      `netstring longer than the maximum ${this.maxLength} specified by MAX_LENGTH`,
    );
  }

  #startPayload(): void {
    this.#state = this.#length === 0 ? State.comma : State.payload;
    this.#ready = EMPTY;
    this.#filled = 0;
  }

  #readPayload(chunk: Buffer): void {
    const pos = this.#queue.offset;
    const available = chunk.length - pos;
    const needed = this.#length - this.#filled;
    if (this.#filled === 0 && available >= needed) {
      this.#ready = view(chunk, pos, pos + needed);
      this.#queue.offset = pos + needed;
      this.#state = State.comma;
      return;
    }
    if (this.#payload === null || this.#payload.length !== this.#length) this.#payload = Buffer.allocUnsafe(this.#length);
    const take = Math.min(available, needed);
    chunk.copy(this.#payload, this.#filled, pos, pos + take);
    this.#filled += take;
    this.#queue.offset = pos + take;
    if (this.#filled === this.#length) {
      this.#ready = this.#payload;
      this.#payload = null;
      this.#filled = 0;
      this.#state = State.comma;
    }
  }

  #readComma(chunk: Buffer): NetstringDecoderEvent {
    const byte = chunk[this.#queue.offset] as number;
    this.#queue.offset += 1;
    if (byte !== COMMA) {
      return this.#fail(new NetstringParseError(NetstringParseReason.missingComma, "the netstring does not end with a comma"));
    }
    const payload = this.#ready;
    this.#ready = EMPTY;
    this.#state = State.lengthStart;
    return { type: "string", payload };
  }

  #fail(error: NetstringParseError): never {
    this.#state = State.broken;
    this.#queue.clear();
    this.#dropPartial();
    throw error;
  }

  #dropPartial(): void {
    this.#payload = null;
    this.#filled = 0;
    this.#ready = EMPTY;
  }
}

function illegal(message: string): NetstringParseError {
  return new NetstringParseError(NetstringParseReason.illegalLength, message);
}
