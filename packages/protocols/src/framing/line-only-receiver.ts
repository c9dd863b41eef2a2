import createDebug from "debug";
import type { Failure } from "@torsion/defer";
import { Protocol, assertBytes, type CallbackResult, type IProtocolFactory, type ITCPTransport, type ITransport } from "@torsion/core";
import { FramingDriver } from "./framing-driver.js";
import { LineLengthRule, checkMaxLength, toDelimiter } from "./line-decoder.js";
import { LineDecoderSlot, type LineSlotFrame } from "./line-decoder-slot.js";
import type { LineReceiverOptions } from "./line-receiver.js";

const debug = createDebug("torsion:protocols:line-only-receiver");

const CRLF = Buffer.from("\r\n");

/**
 * A protocol that receives lines only (no raw mode, no pausing), as Twisted's
 * `LineOnlyReceiver`. Override {@link lineReceived}; `delimiter` and `MAX_LENGTH` are
 * instance properties (class fields, assignment, or the constructor options, as for
 * `LineReceiver`).
 *
 * Too long: see {@link lineLengthExceeded} (Twisted 22.4's rule, except that a line of
 * exactly `MAX_LENGTH` bytes is always accepted). At most
 * `MAX_LENGTH + delimiter.length - 1` bytes are held for an unfinished line. Once
 * `transport.disconnecting` is true nothing more is delivered (later bytes are dropped).
 * `dataReceived` called from a handler only appends (parsed after the handler returns).
 * An unfinished last line is dropped at the end. The handlers may be `async`: a
 * rejection is handled exactly like a synchronous throw (reported once, that connection
 * aborted with it), as for `LineReceiver`. (Delivery is the framing driver's, see
 * `FramingDriver`.)
 */
export class LineOnlyReceiver<F extends IProtocolFactory = IProtocolFactory, T extends ITransport = ITCPTransport> extends Protocol<F, T> {
  /** The line terminator. @default "\r\n" */
  delimiter: Uint8Array = CRLF;
  /** The longest line accepted in bytes, delimiter excluded. @default 16384 */
  MAX_LENGTH = 16384;
  readonly #framing = new FramingDriver<LineSlotFrame, LineOnlyReceiver, CallbackResult>(
    this,
    new LineDecoderSlot(LineLengthRule.line, this),
    {
      deliver: LineOnlyReceiver.#frameReceived,
      name: "LineOnlyReceiver",
    },
  );

  constructor(options: LineReceiverOptions = {}) {
    super();
    if (options.delimiter !== undefined) this.delimiter = toDelimiter(options.delimiter);
    if (options.maxLength !== undefined) this.MAX_LENGTH = checkMaxLength(options.maxLength, "maxLength");
  }

  /**
   * Parses `data` and delivers the complete lines. Called by the transport. Returns what
   * the handlers returned (`undefined` unless one is `async`), for the transport to watch.
   */
  override dataReceived(data: Buffer): CallbackResult {
    return this.#framing.dataReceived(data);
  }

  /** Drops what is buffered (an unfinished line is never delivered). */
  override connectionLost(reason: Failure): CallbackResult {
    return this.#framing.connectionLost();
  }

  /** The driver's `deliver`: one function for every instance (a monomorphic call site). */
  static #frameReceived(this: void, frame: LineSlotFrame, protocol: LineOnlyReceiver): CallbackResult {
    if (frame instanceof Uint8Array) return protocol.lineReceived(frame);
    return protocol.lineLengthExceeded(frame.data);
  }

  /**
   * Override: one complete line arrived, without its delimiter. Called once per line, in
   * order, never after `transport.disconnecting` became true. The default discards it.
   * May be `async`.
   */
  lineReceived(line: Buffer): CallbackResult {
    debug("%s discarded a line of %d bytes", this.constructor.name, line.length);
  }

  /**
   * Override: a line longer than `MAX_LENGTH` arrived. Called as Twisted 22.4 calls it:
   * - a delimiter completes a line longer than `MAX_LENGTH`: `line` is that whole line
   *   (without its delimiter), checked in order with the lines before it;
   * - after a received chunk's complete lines, the unfinished line left over is longer
   *   than `MAX_LENGTH`: `line` is all of it received so far (so its end depends on
   *   chunking). Trailing bytes that could begin the delimiter do not count towards that
   *   length: Twisted counts them, and so rejects a valid `MAX_LENGTH`-byte line whose
   *   chunk ends inside its delimiter; Torsion delivers that line, and reports the line
   *   (with every byte of it received) only once a later byte shows it is too long.
   *
   * Called once per too-long line. If the handler does not close the connection, parsing
   * goes on with the next line: after a complete line, with the line that follows it;
   * after an unfinished one, the rest of it is skipped through its delimiter (Twisted
   * keeps it buffered and reports it again on every chunk; Torsion keeps memory bounded).
   * The default calls `transport.loseConnection()`, after which nothing more is delivered.
   * May be `async`.
   */
  lineLengthExceeded(line: Buffer): CallbackResult {
    debug("%s: line longer than %d bytes (%d bytes shown); closing", this.constructor.name, this.MAX_LENGTH, line.length);
    this.transportOrNull?.loseConnection();
  }

  /**
   * Writes `line` and the delimiter with one `writeSequence`. No length or content check.
   *
   * @throws NotBytesError when `line` is not bytes (e.g. a string); nothing is written
   * @throws NotConnectedError before `makeConnection`
   */
  sendLine(line: Uint8Array): void {
    assertBytes(line, "sendLine");
    this.transport.writeSequence([line, this.delimiter]);
  }

  /** How many received bytes are buffered and not yet delivered. */
  get bufferedLength(): number {
    return this.#framing.bufferedLength;
  }
}
