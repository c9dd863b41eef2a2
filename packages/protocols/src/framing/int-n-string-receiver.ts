import createDebug from "debug";
import type { Failure } from "@torsion/defer";
import {
  Protocol,
  assertBytes,
  type CallbackResult,
  type IDecoder,
  type IProtocolFactory,
  type ITCPTransport,
  type ITransport,
} from "@torsion/core";
import { StringTooLongError } from "./errors.js";
import { FramingDriver } from "./framing-driver.js";
import { IntPrefixDecoder, type PrefixLength } from "./int-prefix-decoder.js";
import { checkMaxLength } from "./line-decoder.js";

const debug = createDebug("torsion:protocols:int-n-string-receiver");

/** Options of the `Int8`/`Int16`/`Int32` string receivers. */
export interface IntNStringReceiverOptions {
  /** The longest payload accepted (sets `MAX_LENGTH`). @default 99999 */
  readonly maxLength?: number;
}

/**
 * The base of {@link Int8StringReceiver}, {@link Int16StringReceiver} and
 * {@link Int32StringReceiver} (Twisted's `IntNStringReceiver`): frames are an unsigned
 * big-endian length prefix of {@link prefixLength} bytes followed by the payload.
 * Subclass one of the three concrete classes and override {@link stringReceived}.
 *
 * - `MAX_LENGTH` (default 99999, for every prefix size) limits what is received; it is
 *   checked as soon as a prefix is complete, and {@link lengthLimitExceeded} is called
 *   for a larger length (default: `transport.loseConnection()`). If an override does not
 *   close, the announced payload is skipped and parsing continues after it.
 * - A payload lying inside one received chunk is delivered as a view of that chunk (no
 *   copy); the protocol owns it, per the `dataReceived` contract.
 * - {@link sendString} is limited only by the prefix size, not by `MAX_LENGTH`.
 * - Pausing ({@link pauseProducing}) holds complete frames until
 *   {@link resumeProducing}; once `transport.disconnecting` is true nothing more is
 *   delivered (later bytes are dropped); `dataReceived` called from a handler only appends.
 *   A partial frame at the end is dropped. (Delivery is the framing driver's, see
 *   `FramingDriver`.)
 */
export abstract class IntNStringReceiver<
  F extends IProtocolFactory = IProtocolFactory,
  T extends ITransport = ITCPTransport,
> extends Protocol<F, T> {
  /** Size of the length prefix in bytes (set by each concrete class). */
  abstract readonly prefixLength: PrefixLength;
  /** The longest payload accepted, in bytes. @default 99999 */
  MAX_LENGTH = 99999;
  readonly #framing = new FramingDriver<Buffer | number, IntNStringReceiver, CallbackResult>(this, () => new IntNFrames(this), {
    deliver: IntNStringReceiver.#frameReceived,
    name: "IntNStringReceiver",
  });

  constructor(options: IntNStringReceiverOptions = {}) {
    super();
    if (options.maxLength !== undefined) this.MAX_LENGTH = checkMaxLength(options.maxLength, "maxLength");
  }

  /** The driver's `deliver`: one function for every instance (a monomorphic call site). */
  static #frameReceived(this: void, frame: Buffer | number, protocol: IntNStringReceiver): CallbackResult {
    if (typeof frame === "number") return protocol.lengthLimitExceeded(frame);
    return protocol.stringReceived(frame);
  }

  /** True while paused by {@link pauseProducing} or {@link stopProducing}. Assigning it only sets the flag. */
  get paused(): boolean {
    return this.#framing.paused;
  }

  set paused(value: boolean) {
    this.#framing.paused = value;
  }

  /**
   * Parses `data` and delivers complete frames. Called by the transport. Returns what the
   * handlers returned (`undefined` unless one is `async`), for the transport to watch.
   */
  override dataReceived(data: Buffer): CallbackResult {
    return this.#framing.dataReceived(data);
  }

  /** Drops what is buffered (a partial frame is never delivered). */
  override connectionLost(reason: Failure): CallbackResult {
    return this.#framing.connectionLost();
  }

  /**
   * Override: one complete payload arrived. Called once per frame, in order, never while
   * paused or after `transport.disconnecting` became true. The default discards it. May
   * be `async`: a rejection is handled exactly like a synchronous throw (reported once,
   * that connection aborted with it; see `FramingDriver`, "Async handlers").
   */
  stringReceived(data: Buffer): CallbackResult {
    debug("%s discarded a string of %d bytes", this.constructor.name, data.length);
  }

  /**
   * Override: a prefix announced `length` bytes, more than `MAX_LENGTH`. Called once per
   * such prefix. The default calls `transport.loseConnection()`. May be `async`.
   */
  lengthLimitExceeded(length: number): CallbackResult {
    debug("%s: frame of %d bytes exceeds MAX_LENGTH %d; closing", this.constructor.name, length, this.MAX_LENGTH);
    this.transportOrNull?.loseConnection();
  }

  /**
   * Writes the prefix and `data` in one `write`.
   * @throws StringTooLongError when `data.length >= 2 ** (8 * prefixLength)` (nothing is written)
   * @throws NotBytesError when `data` is not bytes (e.g. a string); nothing is written
   * @throws NotConnectedError before `makeConnection`
   */
  sendString(data: Uint8Array): void {
    assertBytes(data, "sendString");
    const limit = 2 ** (8 * this.prefixLength) - 1;
    if (data.length > limit) throw new StringTooLongError(data.length, limit);
    const frame = Buffer.allocUnsafe(this.prefixLength + data.length);
    frame.writeUIntBE(data.length, 0, this.prefixLength);
    frame.set(data, this.prefixLength);
    this.transport.write(frame);
  }

  /** Pauses delivery and the transport; complete frames stay buffered. Idempotent. */
  pauseProducing(): void {
    this.#framing.pauseProducing();
  }

  /** Resumes the transport and delivers the frames buffered while paused; returns what their handlers returned. */
  resumeProducing(): CallbackResult {
    return this.#framing.resumeProducing();
  }

  /** Stops for good: stays paused and stops the transport. */
  stopProducing(): void {
    this.#framing.stopProducing();
  }

  /** How many received bytes are buffered and not yet delivered. */
  get bufferedLength(): number {
    return this.#framing.bufferedLength;
  }
}

/**
 * The receiver's decoder: an {@link IntPrefixDecoder} that follows `MAX_LENGTH` and yields
 * a bare payload per frame, or the announced length (a number) of a frame over the limit.
 */
class IntNFrames implements IDecoder<Buffer | number> {
  readonly #settings: { readonly MAX_LENGTH: number };
  readonly #decoder: IntPrefixDecoder;

  constructor(settings: { readonly MAX_LENGTH: number; readonly prefixLength: PrefixLength }) {
    this.#settings = settings;
    this.#decoder = new IntPrefixDecoder({ prefixLength: settings.prefixLength, maxLength: settings.MAX_LENGTH });
  }

  feed(chunk: Uint8Array): void {
    this.#decoder.feed(chunk);
  }

  next(): Buffer | number | undefined {
    const decoder = this.#decoder;
    decoder.maxLength = this.#settings.MAX_LENGTH;
    return decoder.nextString() ?? decoder.takeExceeded() ?? undefined;
  }

  finish(): void {
    this.#decoder.finish();
  }

  get bufferedLength(): number {
    return this.#decoder.bufferedLength;
  }
}

/** Frames with a 1-byte length prefix (payloads up to 255 bytes). Twisted's `Int8StringReceiver`. */
export class Int8StringReceiver<
  F extends IProtocolFactory = IProtocolFactory,
  T extends ITransport = ITCPTransport,
> extends IntNStringReceiver<F, T> {
  override readonly prefixLength = 1;
}

/** Frames with a 2-byte big-endian length prefix (up to 65535 bytes). Twisted's `Int16StringReceiver`. */
export class Int16StringReceiver<
  F extends IProtocolFactory = IProtocolFactory,
  T extends ITransport = ITCPTransport,
> extends IntNStringReceiver<F, T> {
  override readonly prefixLength = 2;
}

/** Frames with a 4-byte big-endian length prefix (up to 2^32 - 1 bytes). Twisted's `Int32StringReceiver`. */
export class Int32StringReceiver<
  F extends IProtocolFactory = IProtocolFactory,
  T extends ITransport = ITCPTransport,
> extends IntNStringReceiver<F, T> {
  override readonly prefixLength = 4;
}
