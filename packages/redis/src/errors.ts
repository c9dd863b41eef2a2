/**
 * The errors of `@torsion/redis`. Every one has a `name`, a stable `code` and a standard
 * `cause`. Two families: errors the server sent as a reply ({@link RedisError} and its
 * subclasses: one command fails, the connection stays up), and decode errors (the server
 * sent bytes that cannot be parsed or are over a limit: the connection is closed).
 */
import { DecodeError } from "@torsion/core";
import { TorsionError } from "@torsion/defer";

/**
 * An error reply (`-CODE message` or RESP3's blob error `!`): fails the one command it
 * answers, never the connection. `code` is the first word of the reply (`ERR`,
 * `WRONGTYPE`, `NOAUTH`, `EXECABORT`, `MOVED`, ...) and `message` the text after it.
 * The stable Torsion code is {@link errorCode} (`ERR_REDIS_REPLY`); `code` keeps Redis's own.
 */
export class RedisError extends TorsionError {
  override name = "RedisError";
  /** The Redis error code: the first word of the reply, e.g. `"WRONGTYPE"`. */
  override readonly code: string;
  /** The stable Torsion code of every reply error. */
  readonly errorCode: string = "ERR_REDIS_REPLY";
  /** The text after the code. */
  readonly reply: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message === "" ? code : `${code} ${message}`, options);
    this.code = code;
    this.reply = message;
  }

  /** Parses a raw error line (`"WRONGTYPE Operation against..."`) into code and message. */
  static fromLine(line: string): RedisError {
    const space = line.indexOf(" ");
    if (space < 0) return new RedisError(line, "");
    return new RedisError(line.slice(0, space), line.slice(space + 1));
  }
}

/**
 * `EXEC` answered `-EXECABORT`: a command failed while it was being queued, so nothing
 * ran. `queueErrors` holds the error of each command that was refused, by position.
 */
export class RedisExecAbortError extends RedisError {
  override name = "RedisExecAbortError";
  /** The queue-time error of each refused command (`undefined` where it was queued). */
  readonly queueErrors: ReadonlyArray<RedisError | undefined>;

  constructor(reply: RedisError, queueErrors: ReadonlyArray<RedisError | undefined>) {
    super(reply.code, reply.reply, { cause: reply });
    this.queueErrors = queueErrors;
  }
}

/** The base of the client-side errors (not replies of the server). */
export class RedisClientError extends TorsionError {
  override name = "RedisClientError";
  override readonly code: string = "ERR_REDIS_CLIENT";
}

/** A command was issued on a connection that is closed or closing. */
export class RedisConnectionClosedError extends RedisClientError {
  override name = "RedisConnectionClosedError";
  override readonly code: string = "ERR_REDIS_CONNECTION_CLOSED";
}

/**
 * The connection was lost while commands waited for their replies: each of them fails with
 * this error, the transport's reason as `cause`.
 */
export class RedisConnectionLostError extends RedisClientError {
  override name = "RedisConnectionLostError";
  override readonly code: string = "ERR_REDIS_CONNECTION_LOST";
}

/**
 * No reply came for `replyTimeout` seconds while commands were waiting: the connection is
 * aborted and every waiting command fails with this error.
 */
export class RedisTimeoutError extends RedisClientError {
  override name = "RedisTimeoutError";
  override readonly code: string = "ERR_REDIS_TIMEOUT";
}

/** The handshake (`HELLO`, `AUTH`, `SELECT`, `CLIENT SETNAME`) failed; `cause` is the reply. */
export class RedisHandshakeError extends RedisClientError {
  override name = "RedisHandshakeError";
  override readonly code: string = "ERR_REDIS_HANDSHAKE";
}

/** A command's arguments are not valid (an argument of an unsupported type, an empty command). */
export class RedisArgumentError extends RedisClientError {
  override name = "RedisArgumentError";
  override readonly code: string = "ERR_REDIS_ARGUMENT";
}

/** A reply did not have the shape a typed helper expects (for example `SCAN` not giving a cursor and a list). */
export class RedisReplyTypeError extends RedisClientError {
  override name = "RedisReplyTypeError";
  override readonly code: string = "ERR_REDIS_REPLY_TYPE";
}

/** A `redis://` URL or endpoint description cannot be used. */
export class RedisUrlError extends RedisClientError {
  override name = "RedisUrlError";
  override readonly code: string = "ERR_REDIS_URL";
}

/** The server sent bytes that are not RESP2/RESP3: the connection is closed. */
export class RespProtocolError extends DecodeError {
  override name = "RespProtocolError";
  override readonly code: string = "ERR_REDIS_PROTOCOL";
}

/**
 * The server sent a bulk string, a line, an aggregate or a nesting over the decoder's
 * limit (`maxBulkLength`, `maxLineLength`, `maxAggregateLength`, `maxDepth`): the
 * connection is closed.
 */
export class RespLimitError extends DecodeError {
  override name = "RespLimitError";
  override readonly code: string = "ERR_REDIS_LIMIT";
  /** Which limit: `"bulk"`, `"line"`, `"aggregate"` or `"depth"`. */
  readonly limit: "bulk" | "line" | "aggregate" | "depth";
  /** The size announced or reached. */
  readonly size: number;

  constructor(limit: "bulk" | "line" | "aggregate" | "depth", size: number, max: number) {
    super(`RESP ${limit} of ${size} over the limit of ${max}`);
    this.limit = limit;
    this.size = size;
  }
}

/** The stream ended in the middle of a reply. */
export class RespTruncatedError extends DecodeError {
  override name = "RespTruncatedError";
  override readonly code: string = "ERR_REDIS_TRUNCATED";
}
