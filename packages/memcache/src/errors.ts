/**
 * The errors of `@torsion/memcache`. Names follow Twisted's `twisted.protocols.memcache`
 * where Twisted has a class (`NoSuchCommand`, `ClientError`, `ServerError`); the errors
 * Twisted reports with a built-in Python exception (`RuntimeError("not connected")`,
 * `TimeoutError`, the `ValueError`/`TypeError`/`IndexError` of its reply parser) get a
 * typed error here. Every error has a stable `code` and a standard `cause`.
 */
import { DecodeError, NotConnectedError } from "@torsion/core";
import { TorsionError } from "@torsion/defer";

/** The base of every memcache error that is not a decode error. */
export class MemcacheError extends TorsionError {
  override name = "MemcacheError";
  override readonly code: string = "ERR_MEMCACHE";
}

/** The server answered `ERROR`: it does not know the command sent (Twisted's `NoSuchCommand`). */
export class NoSuchCommand extends MemcacheError {
  override name = "NoSuchCommand";
  override readonly code: string = "ERR_MEMCACHE_NO_SUCH_COMMAND";
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The request was refused: by the server (`CLIENT_ERROR <text>`, with {@link serverMessage}
 * holding `<text>`), or before sending, because an argument is invalid (the subclasses
 * {@link InvalidKeyError} and {@link InvalidArgumentError}). Twisted's `ClientError`.
 */
export class ClientError extends MemcacheError {
  override name = "ClientError";
  override readonly code: string = "ERR_MEMCACHE_CLIENT_ERROR";
  constructor(
    message: string,
    /** The text after `CLIENT_ERROR `, as received; `null` for a locally refused request. */
    readonly serverMessage: Buffer | null = null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The server answered `SERVER_ERROR <text>` ({@link serverMessage}). Twisted's `ServerError`. */
export class ServerError extends MemcacheError {
  override name = "ServerError";
  override readonly code: string = "ERR_MEMCACHE_SERVER_ERROR";
  constructor(
    message: string,
    /** The text after `SERVER_ERROR `, as received. */
    readonly serverMessage: Buffer | null = null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A key that memcached's text protocol cannot carry: not 1–250 bytes, or holding a space,
 * a control character (including CR and LF) or DEL. Sending it would corrupt the stream
 * or inject a second command. Under `compat: "twisted"` only Twisted's checks are made
 * (type, and at most 250 bytes except for `delete`). A {@link ClientError}, as in Twisted.
 */
export class InvalidKeyError extends ClientError {
  override name = "InvalidKeyError";
  override readonly code: string = "ERR_MEMCACHE_INVALID_KEY";
}

/**
 * An argument other than a key that cannot be sent: a value that is not bytes (strings
 * are refused, never encoded), flags outside uint32, a non-integer expiry, a delta outside
 * 0..2^64-1, a cas identifier that is not a decimal number. A {@link ClientError}.
 */
export class InvalidArgumentError extends ClientError {
  override name = "InvalidArgumentError";
  override readonly code: string = "ERR_MEMCACHE_INVALID_ARGUMENT";
}

/**
 * A command was issued before the connection was made or after it was lost (Twisted's
 * `RuntimeError("not connected")`). A kind of core's `NotConnectedError` (so one
 * `instanceof NotConnectedError` catches both), with its own name and code so that the
 * two never clash when both packages are imported; unlike the other memcache errors it is
 * therefore not a {@link MemcacheError}.
 */
export class MemcacheNotConnectedError extends NotConnectedError {
  override name = "MemcacheNotConnectedError";
  override readonly code: string = "ERR_MEMCACHE_NOT_CONNECTED";
  constructor(message = "not connected", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * No reply came within the protocol's `timeOut` (Twisted's `TimeoutError("Connection
 * timeout")`): every pending command fails with it and the connection is closed.
 */
export class MemcacheTimeoutError extends MemcacheError {
  override name = "TimeoutError";
  override readonly code: string = "ERR_MEMCACHE_TIMEOUT";
  constructor(message = "Connection timeout", options?: ErrorOptions) {
    super(message, options);
  }
}

/** Why a reply was malformed ({@link MalformedReplyError.reason}). */
export type MalformedReplyReason =
  | "unsolicited"
  | "unexpectedReply"
  | "unexpectedKey"
  | "badValueHeader"
  | "badValueTrailer"
  | "badNumber"
  | "unexpectedArgument"
  | "missingArgument"
  | "badStat"
  | "nonAscii";

/**
 * The server sent a reply that does not parse or does not answer the command at the
 * head of the queue (Twisted raises `ValueError`, `TypeError`, `IndexError` or
 * `RuntimeError` out of `dataReceived`, and may leave one command's Deferred never
 * firing). Torsion fails **every** pending command with this error and closes the
 * connection: after a reply it cannot match, FIFO matching is lost.
 */
export class MalformedReplyError extends DecodeError {
  override name = "MalformedReplyError";
  override readonly code: string = "ERR_MEMCACHE_MALFORMED_REPLY";
  constructor(
    readonly reason: MalformedReplyReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A reply line longer than `maxLineLength` (16384 by default, Twisted's `MAX_LENGTH`):
 * every pending command fails with it and the connection is closed.
 */
export class LineTooLongError extends DecodeError {
  override name = "LineTooLongError";
  override readonly code: string = "ERR_MEMCACHE_LINE_TOO_LONG";
}

/**
 * A `VALUE` block announcing more than `maxValueLength` bytes (a Torsion limit, 16 MiB by
 * default; Twisted has none): every pending command fails with it and the connection is
 * closed before the value is buffered.
 */
export class ValueTooLargeError extends DecodeError {
  override name = "ValueTooLargeError";
  override readonly code: string = "ERR_MEMCACHE_VALUE_TOO_LARGE";
  constructor(
    readonly length: number,
    readonly limit: number,
  ) {
    super(`a value of ${length} bytes is over the limit of ${limit}`);
  }
}
