import createDebug from "debug";
import { Protocol } from "@torsion/core";
import type { NetstringParseError } from "./errors.js";
import { NetstringDecoder } from "./netstring-decoder.js";
import { checkMaxLength } from "./line-decoder.js";
import { isDisconnecting } from "./transport-state.js";

const debug = createDebug("torsion:protocols:netstring-receiver");

const COLON = Buffer.from(":");
const COMMA = Buffer.from(",");

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
 */
export class NetstringReceiver extends Protocol {
  /** The longest payload accepted, in bytes. @default 99999 */
  MAX_LENGTH = 99999;
  /** Set when the peer sent malformed data (Twisted's `brokenPeer`). */
  brokenPeer = false;
  /** The parse error that broke the connection, or `null`. */
  parseError: NetstringParseError | null = null;
  #decoder: NetstringDecoder | null = null;
  #busy = false;

  constructor(options: NetstringReceiverOptions = {}) {
    super();
    if (options.maxLength !== undefined) this.MAX_LENGTH = checkMaxLength(options.maxLength, "maxLength");
  }

  /** Parses `data` and delivers complete strings. Called by the transport. */
  override dataReceived(data: Buffer): void {
    const decoder = (this.#decoder ??= new NetstringDecoder({ maxLength: this.MAX_LENGTH }));
    if (decoder.broken) {
      this.transport?.loseConnection();
      return;
    }
    if (isDisconnecting(this.transport)) return;
    decoder.feed(data);
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (!isDisconnecting(this.transport)) {
        decoder.maxLength = this.MAX_LENGTH;
        const event = decoder.next();
        if (event === undefined) return;
        if (event.type === "string") {
          this.stringReceived(event.payload);
          continue;
        }
        this.#handleParseError(event.error);
        return;
      }
    } finally {
      this.#busy = false;
    }
  }

  #handleParseError(error: NetstringParseError): void {
    debug("%s: %s; closing", this.constructor.name, error.message);
    this.parseError = error;
    this.brokenPeer = true;
    this.transport?.loseConnection();
  }

  /**
   * Override: one complete netstring payload arrived. Called once per string, in order,
   * never after `transport.disconnecting` became true. The buffer is yours to keep. The
   * default discards it.
   */
  stringReceived(data: Buffer): void {
    debug("%s discarded a string of %d bytes", this.constructor.name, data.length);
  }

  /** Writes `data` as one netstring (`<length>:<data>,`) in one `write`. */
  sendString(data: Uint8Array): void {
    this.transport?.write(Buffer.concat([Buffer.from(String(data.length), "latin1"), COLON, data, COMMA]));
  }

  /** How many received bytes are buffered and not yet delivered. */
  get bufferedLength(): number {
    return this.#decoder === null ? 0 : this.#decoder.bufferedLength;
  }
}
