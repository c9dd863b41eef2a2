/**
 * The typed errors of the framing protocols (`@torsion/protocols` framing). Each has a
 * `name` equal to its class name, a stable `code`, and the standard `cause` when one
 * exists.
 */
import { TorsionError } from "@torsion/defer";
import { DecodeError } from "@torsion/core";

/**
 * Thrown synchronously by `sendString` of the `Int8`/`Int16`/`Int32` string receivers
 * when the payload's length does not fit the prefix (`length >= 2 ** (8 * prefixLength)`).
 * Nothing is written in that case. (Twisted's `StringTooLongError`.)
 */
export class StringTooLongError extends TorsionError {
  override name = "StringTooLongError";
  override readonly code: string = "ERR_STRING_TOO_LONG";
  /** The payload length that was refused. */
  readonly length: number;
  /** The largest length the prefix can carry. */
  readonly maxLength: number;

  constructor(length: number, maxLength: number, options?: ErrorOptions) {
    super(`string of ${length} bytes is too long for the prefix (at most ${maxLength} bytes)`, options);
    this.length = length;
    this.maxLength = maxLength;
  }
}

/** Why a netstring could not be parsed; the `reason` of {@link NetstringParseError}. */
export const NetstringParseReason = {
  /** A byte other than a digit where the length was expected, or a leading zero. */
  illegalLength: "illegal-length",
  /** The declared length is greater than `MAX_LENGTH`. */
  tooLong: "too-long",
  /** The byte after the payload is not a comma. */
  missingComma: "missing-comma",
} as const;
export type NetstringParseReason = (typeof NetstringParseReason)[keyof typeof NetstringParseReason];

/**
 * The peer sent bytes that are not a valid netstring: a `DecodeError`, thrown by
 * `NetstringDecoder.next()`; `NetstringReceiver` (through the framing driver) answers it
 * by closing the connection and setting `brokenPeer`.
 */
export class NetstringParseError extends DecodeError {
  override name = "NetstringParseError";
  override readonly code: string = "ERR_NETSTRING_PARSE";
  /** What was wrong. */
  readonly reason: NetstringParseReason;

  constructor(reason: NetstringParseReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** A framing option (delimiter, maximum length, prefix length) has an unusable value. */
export class InvalidFramingOptionError extends TorsionError {
  override name = "InvalidFramingOptionError";
  override readonly code: string = "ERR_INVALID_FRAMING_OPTION";
}

/**
 * The reason a `FileSender` transfer's Deferred fails when the consumer calls
 * `stopProducing` before the whole file was sent.
 */
export class TransferStoppedError extends TorsionError {
  override name = "TransferStoppedError";
  override readonly code: string = "ERR_TRANSFER_STOPPED";
  constructor(message = "Consumer asked us to stop producing", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `FileSender.beginFileTransfer` was called while a transfer is still running. */
export class TransferInProgressError extends TorsionError {
  override name = "TransferInProgressError";
  override readonly code: string = "ERR_TRANSFER_IN_PROGRESS";
  constructor(message = "a file transfer is already in progress on this FileSender", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Reported (through `reportError`) by a stateful string protocol when no
 * `proto_<state>` handler exists for the current state, or when a handler returned
 * something other than a string. The string is dropped and the state is kept.
 */
export class UnknownStateError extends TorsionError {
  override name = "UnknownStateError";
  override readonly code: string = "ERR_UNKNOWN_STATE";
  /** The state that had no usable handler. */
  readonly state: string;

  constructor(state: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.state = state;
  }
}
