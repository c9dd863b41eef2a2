import createDebug from "debug";
import type { Failure } from "@torsion/defer";
import { Protocol, assertBytes, type CallbackResult, type IProtocolFactory, type ITCPTransport, type ITransport } from "@torsion/core";
import { asBuffer } from "./chunk-queue.js";
import { FramingDriver } from "./framing-driver.js";
import { LineLengthRule, checkMaxLength, toDelimiter } from "./line-decoder.js";
import { LineDecoderSlot, type LineSlotFrame } from "./line-decoder-slot.js";

const debug = createDebug("torsion:protocols:line-receiver");

const CRLF = Buffer.from("\r\n");

/** Options of {@link LineReceiver} and {@link LineOnlyReceiver}. */
export interface LineReceiverOptions {
  /** The line terminator (sets `delimiter`). @default "\r\n" */
  readonly delimiter?: Uint8Array | string;
  /** The longest line accepted, delimiter excluded (sets `MAX_LENGTH`). @default 16384 */
  readonly maxLength?: number;
}

/**
 * A protocol that receives lines and/or raw data, as Twisted's `LineReceiver`.
 *
 * Subclass it and override {@link lineReceived} (and {@link rawDataReceived} if you use
 * raw mode). `delimiter` and `MAX_LENGTH` are instance properties: override them with
 * class fields (`override delimiter = Buffer.from("\n")`), assign them (for example in
 * `connectionMade`), or pass the constructor options (a subclass's field initialiser runs
 * after the constructor and wins over the option). Changes apply from the next
 * `dataReceived`.
 *
 * Delivery rules (the framing driver's, see `FramingDriver`):
 * - Lines are split at the first delimiter; a line of up to `MAX_LENGTH` bytes is
 *   delivered without its delimiter. A line that lies in one received chunk is a view of
 *   that chunk (the protocol owns it, per the `dataReceived` contract).
 * - Too long: exactly as Twisted 22.4 decides it (see {@link lineLengthExceeded}); the
 *   default handler closes the connection. At most `MAX_LENGTH + delimiter.length - 1`
 *   bytes are ever held for an unfinished line.
 * - Once `transport.disconnecting` is true, nothing more is delivered, and bytes
 *   received after that are dropped (a real transport stops reading then).
 * - While {@link paused} (see {@link pauseProducing}), complete lines stay buffered
 *   and are delivered by {@link resumeProducing}. The transport is paused too, so only
 *   chunks already in flight arrive meanwhile; they are held as received (by reference),
 *   which is the one case where more than the bound above can be held.
 * - Re-entrancy: `dataReceived` called from inside a handler (directly or through
 *   {@link setLineMode}) only appends; the outer call parses it, in order, after the
 *   handler returns, so handlers are never nested.
 * - End of stream: an unfinished last line (no delimiter) is dropped, as in Twisted.
 * - Async handlers: {@link lineReceived}, {@link rawDataReceived} and
 *   {@link lineLengthExceeded} may be `async` (or return a Deferred). Delivery does not
 *   wait for the promise; `dataReceived` (and {@link resumeProducing},
 *   {@link setLineMode}) return it, so the transport handles a rejection exactly like a
 *   synchronous throw from the handler: reported once, and that connection aborted with
 *   the error as its `connectionLost` reason.
 */
export class LineReceiver<F extends IProtocolFactory = IProtocolFactory, T extends ITransport = ITCPTransport> extends Protocol<F, T> {
  /** The line terminator. @default "\r\n" */
  delimiter: Uint8Array = CRLF;
  /** The longest line accepted in bytes, delimiter excluded. @default 16384 */
  MAX_LENGTH = 16384;
  readonly #lines = new LineDecoderSlot(LineLengthRule.buffered, this);
  readonly #framing = new FramingDriver<LineSlotFrame, LineReceiver, CallbackResult>(this, this.#lines, {
    deliver: LineReceiver.#frameReceived,
    name: "LineReceiver",
  });

  constructor(options: LineReceiverOptions = {}) {
    super();
    if (options.delimiter !== undefined) this.delimiter = toDelimiter(options.delimiter);
    if (options.maxLength !== undefined) this.MAX_LENGTH = checkMaxLength(options.maxLength, "maxLength");
  }

  /** Whether the protocol is in line mode (Twisted's `line_mode`); false in raw mode. */
  get lineMode(): boolean {
    return this.#lines.lineMode;
  }

  /**
   * True while the protocol is paused by {@link pauseProducing} or {@link stopProducing}.
   * Assigning it only sets the flag (as in Twisted).
   */
  get paused(): boolean {
    return this.#framing.paused;
  }

  set paused(value: boolean) {
    this.#framing.paused = value;
  }

  /**
   * Parses `data` and delivers complete lines (or raw data) to the handlers. Called by
   * the transport; call it yourself only to inject bytes (from a handler it just appends).
   * Returns what the handlers returned (`undefined` unless one is `async`), for the
   * transport to watch.
   */
  override dataReceived(data: Buffer): CallbackResult {
    return this.#framing.dataReceived(data);
  }

  /** Drops what is buffered (an unfinished line is never delivered). */
  override connectionLost(reason: Failure): CallbackResult {
    return this.#framing.connectionLost();
  }

  /** The driver's `deliver`: one function for every instance (a monomorphic call site). */
  static #frameReceived(this: void, frame: LineSlotFrame, protocol: LineReceiver): CallbackResult {
    if (frame instanceof Uint8Array) return protocol.lineReceived(frame);
    if (frame.type === "raw") return protocol.rawDataReceived(frame.data);
    return protocol.lineLengthExceeded(frame.data);
  }
  /**
   * Override: one complete line arrived, without its delimiter. Called once per line, in
   * order, only in line mode, never after `transport.disconnecting` became true. The
   * buffer is yours to keep. The default discards the line. May be `async` (see the
   * class documentation, "Async handlers").
   */
  lineReceived(line: Buffer): CallbackResult {
    debug("%s discarded a line of %d bytes", this.constructor.name, line.length);
  }

  /**
   * Override: raw-mode data arrived. The first call after {@link setRawMode} gets
   * everything already received and not yet parsed; later calls get each received chunk.
   * Call {@link setLineMode} to return to lines. The default discards the data. May be
   * `async`.
   */
  rawDataReceived(data: Buffer): CallbackResult {
    debug("%s discarded %d raw bytes", this.constructor.name, data.length);
  }

  /**
   * Override: a line longer than `MAX_LENGTH` arrived. Called with Twisted 22.4's
   * arguments, at the same moments:
   * - when a delimiter completes a line longer than `MAX_LENGTH`: `line` is that line,
   *   its delimiter and every other byte received and not yet parsed (the rest of the
   *   chunk, and any chunks queued while paused or fed from a handler);
   * - when, after a received chunk is used up, no delimiter is buffered and at least
   *   `MAX_LENGTH + delimiter.length` bytes are: `line` is all of those bytes.
   *
   * So `line` always starts at the first byte of the over-long line and ends where the
   * received data ended, which depends on chunking (at most one chunk plus
   * `MAX_LENGTH + delimiter.length` bytes); whether it is called, and after which lines,
   * does not. The buffer is emptied first: parsing resumes afresh with the next bytes
   * received, or fed by this handler itself through `dataReceived` (parsed right after
   * it returns); the bytes in `line` are never parsed again. The default calls
   * `transport.loseConnection()`, after which nothing more is delivered. May be `async`.
   */
  lineLengthExceeded(line: Buffer): CallbackResult {
    debug("%s: line longer than %d bytes (%d bytes shown); closing", this.constructor.name, this.MAX_LENGTH, line.length);
    this.transportOrNull?.loseConnection();
  }

  /**
   * Writes `line` followed by the delimiter, in one `write`. No length or content check.
   *
   * @throws NotBytesError when `line` is not bytes (e.g. a string); nothing is written
   * @throws NotConnectedError before `makeConnection`
   */
  sendLine(line: Uint8Array): void {
    assertBytes(line, "sendLine");
    const delimiter = this.delimiter;
    const frame = Buffer.allocUnsafe(line.length + delimiter.length);
    frame.set(line, 0);
    frame.set(delimiter, line.length);
    this.transport.write(frame);
  }

  /**
   * Switches to raw mode: from now on bytes go to {@link rawDataReceived}, starting with
   * whatever is buffered. Callable at any time, including from `lineReceived`.
   */
  setRawMode(): void {
    this.#lines.lineMode = false;
  }

  /**
   * Switches to line mode. `extra` (for example the bytes after the end of a raw block)
   * is parsed as line data before anything received later: from inside a handler it is
   * appended to the buffer, otherwise it is parsed at once (and what the handlers
   * returned is returned, as from `dataReceived`).
   */
  setLineMode(extra?: Uint8Array): CallbackResult {
    this.#lines.lineMode = true;
    if (extra !== undefined && extra.length > 0) return this.dataReceived(asBuffer(extra));
  }

  /** Removes and returns every buffered, unparsed byte (the protocol stays in its mode). */
  clearLineBuffer(): Buffer {
    return this.#lines.takeRest();
  }

  /**
   * Pauses this protocol and its transport (the transport stops reading). Complete lines
   * already received stay buffered until {@link resumeProducing}. Idempotent.
   */
  pauseProducing(): void {
    this.#framing.pauseProducing();
  }

  /**
   * Resumes the transport and delivers the lines buffered while paused. (Twisted does so
   * by calling `dataReceived(b"")`; Torsion's driver delivers them directly, so an
   * overridden `dataReceived` sees no empty chunk.) Returns what the handlers returned,
   * as `dataReceived` does.
   */
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
