/**
 * The AMQP 0-9-1 frame decoder: `type:uint8 | channel:uint16 | size:uint32 | payload | 0xCE`.
 * A pure {@link IDecoder}, driven by `FramingDriver`: chunk-agnostic, linear (a read
 * offset into the queued chunks; a frame that arrives in pieces is copied once into its
 * own buffer), bounded by frame-max.
 */
import type { IDecoder } from "@torsion/core";
import { AmqpFrameError } from "./errors.js";

/** Frame types. */
export const FrameType = { method: 1, header: 2, body: 3, heartbeat: 8 } as const;
/** A frame type value. */
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** The frame-end octet. */
export const FRAME_END = 0xce;
/** Bytes of frame overhead: 7 of header and 1 frame-end. */
export const FRAME_OVERHEAD = 8;
/** The frame size every peer accepts before tuning (the spec's frame-min-size). */
export const FRAME_MIN_SIZE = 4096;

/** One frame. `payload` may be a view of a chunk fed to the decoder. */
export interface Frame {
  readonly type: FrameType;
  readonly channel: number;
  readonly payload: Buffer;
}

const EMPTY = Buffer.alloc(0);

/**
 * Decodes frames. Holds at most one frame being assembled (at most `frameMax` bytes) plus
 * queued input; a frame declaring more than `frameMax − 8` payload bytes, an unknown type
 * or a bad frame-end throws {@link AmqpFrameError} (connection error 501). Bytes that start
 * with `AMQP` (the broker answering with its own protocol header, refusing 0-9-1) throw too.
 */
export class FrameDecoder implements IDecoder<Frame> {
  /** The largest frame accepted, overhead included; raised by the connection after tune. */
  frameMax: number;
  #chunks: Buffer[] = [];
  #head = 0;
  #offset = 0;
  #queued = 0;
  #started = false;
  #broken = false;
  #finished = false;
  // A frame being assembled across chunks.
  #header = Buffer.alloc(7);
  #headerFilled = 0;
  #type = 0;
  #channel = 0;
  #payload: Buffer | null = null;
  #payloadFilled = 0;

  constructor(options: { frameMax?: number } = {}) {
    this.frameMax = options.frameMax ?? FRAME_MIN_SIZE;
  }

  get bufferedLength(): number {
    return this.#queued + this.#headerFilled + this.#payloadFilled;
  }

  feed(chunk: Uint8Array): void {
    if (this.#broken || this.#finished || chunk.length === 0) return;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.#chunks.push(buf);
    this.#queued += buf.length;
  }

  finish(): void {
    this.#finished = true;
  }

  next(): Frame | undefined {
    if (this.#broken) return undefined;
    try {
      return this.#next();
    } catch (error) {
      this.#break();
      throw error;
    }
  }

  #break(): void {
    this.#broken = true;
    this.#chunks = [];
    this.#queued = 0;
    this.#payload = null;
    this.#headerFilled = 0;
    this.#payloadFilled = 0;
  }

  #next(): Frame | undefined {
    if (this.#payload === null && this.#headerFilled === 0) {
      const fast = this.#fast();
      if (fast !== null) return fast;
    }
    if (this.#payload === null) {
      if (!this.#fillHeader()) return undefined;
      this.#startPayload();
    }
    const payload = this.#payload as Buffer;
    this.#payloadFilled += this.#copyInto(payload, this.#payloadFilled, payload.length - this.#payloadFilled);
    if (this.#payloadFilled < payload.length) return undefined;
    const end = this.#take();
    if (end === -1) return undefined;
    return this.#finishFrame(this.#type, this.#channel, payload.subarray(0, payload.length - 1));
  }

  /** The common case: a whole frame in the head chunk, returned as a view. */
  #fast(): Frame | null {
    const chunk = this.#chunks[this.#head];
    if (chunk === undefined) return null;
    const at = this.#offset;
    if (chunk.length - at < 8) return null;
    if (!this.#started) this.#checkProtocolHeader(chunk[at] as number);
    const size = chunk.readUInt32BE(at + 3);
    if (chunk.length - at < size + 8) return null;
    const type = chunk[at] as number;
    const channel = chunk.readUInt16BE(at + 1);
    this.#check(type, size);
    if (chunk[at + 7 + size] !== FRAME_END) throw new AmqpFrameError(`bad frame-end octet 0x${(chunk[at + 7 + size] as number).toString(16)}`);
    this.#advance(size + 8);
    return this.#finishFrame(type, channel, size === 0 ? EMPTY : chunk.subarray(at + 7, at + 7 + size));
  }

  #finishFrame(type: number, channel: number, payload: Buffer): Frame {
    this.#payload = null;
    this.#payloadFilled = 0;
    this.#headerFilled = 0;
    return { type: type as FrameType, channel, payload };
  }

  #checkProtocolHeader(first: number): void {
    this.#started = true;
    if (first === 0x41) throw new AmqpFrameError("the broker answered with a protocol header: it does not speak AMQP 0-9-1");
  }

  #check(type: number, size: number): void {
    if (type !== 1 && type !== 2 && type !== 3 && type !== 8) throw new AmqpFrameError(`unknown frame type ${type}`);
    if (size > this.frameMax - FRAME_OVERHEAD) throw new AmqpFrameError(`frame of ${size + FRAME_OVERHEAD} bytes exceeds frame-max ${this.frameMax}`);
  }

  #fillHeader(): boolean {
    this.#headerFilled += this.#copyInto(this.#header, this.#headerFilled, 7 - this.#headerFilled);
    if (this.#headerFilled < 7) return false;
    if (!this.#started) this.#checkProtocolHeader(this.#header[0] as number);
    return true;
  }

  #startPayload(): void {
    const h = this.#header;
    this.#type = h[0] as number;
    this.#channel = h.readUInt16BE(1);
    const size = h.readUInt32BE(3);
    this.#check(this.#type, size);
    // The payload plus its frame-end octet, checked once complete.
    this.#payload = Buffer.allocUnsafe(size + 1);
    this.#payloadFilled = 0;
  }

  /** Checks the frame-end octet just copied in at the end of the payload buffer. */
  #take(): number {
    const payload = this.#payload as Buffer;
    const end = payload[payload.length - 1] as number;
    if (end !== FRAME_END) throw new AmqpFrameError(`bad frame-end octet 0x${end.toString(16)}`);
    return end;
  }

  /** Copies up to `n` queued bytes into `target` at `at`; returns how many. */
  #copyInto(target: Buffer, at: number, n: number): number {
    let copied = 0;
    while (copied < n) {
      const chunk = this.#chunks[this.#head];
      if (chunk === undefined) break;
      const take = Math.min(n - copied, chunk.length - this.#offset);
      chunk.copy(target, at + copied, this.#offset, this.#offset + take);
      copied += take;
      this.#advance(take);
    }
    return copied;
  }

  #advance(n: number): void {
    this.#offset += n;
    this.#queued -= n;
    const chunk = this.#chunks[this.#head] as Buffer;
    if (this.#offset < chunk.length) return;
    this.#offset = 0;
    this.#head += 1;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head > 64 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}
