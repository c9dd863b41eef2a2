import createDebug from "debug";
import type { Failure } from "@torsion/defer";
import {
  Protocol,
  assertBytes,
  type CallbackResult,
  type DecodeError,
  type IDecoder,
  type IProtocolFactory,
  type ITCPTransport,
  type ITransport,
} from "@torsion/core";
import { NetstringParseError } from "./errors.js";
import { FramingDriver } from "./framing-driver.js";
import { NetstringDecoder } from "./netstring-decoder.js";
import { checkMaxLength } from "./line-decoder.js";

const debug = createDebug("torsion:protocols:netstring-receiver");

const COLON_BYTE = 0x3a; // ":"
const COMMA_BYTE = 0x2c; // ","

/** Options of {@link NetstringReceiver}. */
export interface NetstringReceiverOptions {
  /** The longest payload accepted (sets `MAX_LENGTH`). @default 99999 */
  readonly maxLength?: number;
}

/**
 * A protocol that sends and receives netstrings (`5:hello,`), as Twisted's
 * `NetstringReceiver`. Override {@link stringReceived}; `MAX_LENGTH` is an instance
 * property (class field, assignment, or the constructor option).
 *
 * Malformed input (see `NetstringDecoder` for the exact rules) closes the connection with
 * `transport.loseConnection()` and sets {@link brokenPeer}; every later `dataReceived`
 * calls `loseConnection()` again and delivers nothing. A payload longer than
 * `MAX_LENGTH` is refused as soon as its length digits show it, so at most `MAX_LENGTH`
 * bytes are ever buffered. Once `transport.disconnecting` is true nothing more is
 * delivered (later bytes are dropped). `dataReceived` called from a handler only appends.
 * A partial netstring at the end is dropped. (Delivery is the framing driver's, see
 * `FramingDriver`; the parse error is its decode error.)
 */
export class NetstringReceiver<F extends IProtocolFactory = IProtocolFactory, T extends ITransport = ITCPTransport> extends Protocol<F, T> {
  /** The longest payload accepted, in bytes. @default 99999 */
  MAX_LENGTH = 99999;
  /** Set when the peer sent malformed data (Twisted's `brokenPeer`). */
  brokenPeer = false;
  /** The parse error that broke the connection, or `null`. */
  parseError: NetstringParseError | null = null;
  readonly #framing = new FramingDriver<Buffer, NetstringReceiver, CallbackResult>(this, () => new NetstringFrames(this), {
    deliver: NetstringReceiver.#stringFrame,
    decodeFailed: (error) => this.#parseFailed(error),
    name: "NetstringReceiver",
  });

  constructor(options: NetstringReceiverOptions = {}) {
    super();
    if (options.maxLength !== undefined) this.MAX_LENGTH = checkMaxLength(options.maxLength, "maxLength");
  }

  /**
   * Parses `data` and delivers complete strings. Called by the transport. Returns what the
   * handlers returned (`undefined` unless one is `async`), for the transport to watch.
   */
  override dataReceived(data: Buffer): CallbackResult {
    if (this.#framing.decodeError !== null) {
      this.transportOrNull?.loseConnection();
      return;
    }
    return this.#framing.dataReceived(data);
  }

  /** Drops what is buffered (a partial netstring is never delivered). */
  override connectionLost(reason: Failure): CallbackResult {
    return this.#framing.connectionLost();
  }

  /** The driver's `deliver`: one function for every instance (a monomorphic call site). */
  static #stringFrame(this: void, payload: Buffer, protocol: NetstringReceiver): CallbackResult {
    return protocol.stringReceived(payload);
  }

  #parseFailed(error: DecodeError): void {
    if (error instanceof NetstringParseError) this.parseError = error;
    this.brokenPeer = true;
  }

  /**
   * Override: one complete netstring payload arrived. Called once per string, in order,
   * never after `transport.disconnecting` became true. The buffer is yours to keep. The
   * default discards it. May be `async`: a rejection is handled exactly like a synchronous
   * throw (reported once, that connection aborted with it; see `FramingDriver`, "Async
   * handlers").
   */
  stringReceived(data: Buffer): CallbackResult {
    debug("%s discarded a string of %d bytes", this.constructor.name, data.length);
  }

  /**
   * Writes `data` as one netstring (`<length>:<data>,`) in one `write`.
   *
   * @throws NotBytesError when `data` is not bytes (e.g. a string); nothing is written
   * @throws NotConnectedError before `makeConnection`
   */
  sendString(data: Uint8Array): void {
    assertBytes(data, "sendString");
    const digits = String(data.length);
    const start = digits.length + 1;
    const frame = Buffer.allocUnsafe(start + data.length + 1);
    frame.write(digits, 0, "latin1");
    frame[start - 1] = COLON_BYTE;
    frame.set(data, start);
    frame[start + data.length] = COMMA_BYTE;
    this.transport.write(frame);
  }

  /** How many received bytes are buffered and not yet delivered. */
  get bufferedLength(): number {
    return this.#framing.bufferedLength;
  }
}

/** The receiver's decoder: a {@link NetstringDecoder} that follows `MAX_LENGTH` and yields bare payloads. */
class NetstringFrames implements IDecoder<Buffer> {
  readonly #settings: { readonly MAX_LENGTH: number };
  readonly #decoder: NetstringDecoder;

  constructor(settings: { readonly MAX_LENGTH: number }) {
    this.#settings = settings;
    this.#decoder = new NetstringDecoder({ maxLength: settings.MAX_LENGTH });
  }

  feed(chunk: Uint8Array): void {
    this.#decoder.feed(chunk);
  }

  next(): Buffer | undefined {
    this.#decoder.maxLength = this.#settings.MAX_LENGTH;
    return this.#decoder.next()?.payload;
  }

  finish(): void {
    this.#decoder.finish();
  }

  get bufferedLength(): number {
    return this.#decoder.bufferedLength;
  }
}
