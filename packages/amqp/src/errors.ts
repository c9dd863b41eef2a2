/**
 * The errors of `@torsion/amqp`. Each has a `name`, a stable `code` and, where one exists,
 * a `cause`. Errors the broker reports (`channel.close`, `connection.close`) carry the
 * broker's reply code and text and the class/method ids of the method that failed.
 */
import { DecodeError } from "@torsion/core";
import { TorsionError } from "@torsion/defer";

/** The base of every AMQP error that is not a decode error. */
export class AmqpError extends TorsionError {
  override name = "AmqpError";
  override readonly code: string = "ERR_AMQP";
}

/** What the broker (or this client) said when closing a channel or the connection. */
export interface CloseReason {
  readonly replyCode: number;
  readonly replyText: string;
  /** The class id of the method that caused the close (0 if none). */
  readonly classId: number;
  /** The method id of the method that caused the close (0 if none). */
  readonly methodId: number;
}

/**
 * A channel was closed: by the broker (a channel error: 403 access-refused, 404 not-found,
 * 405 resource-locked, 406 precondition-failed), or by the client. Every call pending on
 * that channel fails with it; the connection and its other channels stay usable.
 */
export class ChannelClosed extends AmqpError implements CloseReason {
  override name = "ChannelClosed";
  override readonly code: string = "ERR_AMQP_CHANNEL_CLOSED";
  readonly replyCode: number;
  readonly replyText: string;
  readonly classId: number;
  readonly methodId: number;
  /** The channel's number. */
  readonly channel: number;
  /** True when the broker closed the channel, false when this client did. */
  readonly byBroker: boolean;
  constructor(channel: number, reason: CloseReason, byBroker: boolean, options?: ErrorOptions) {
    super(`channel ${channel} closed${byBroker ? " by the broker" : ""}: ${reason.replyCode} ${reason.replyText}`, options);
    this.channel = channel;
    this.replyCode = reason.replyCode;
    this.replyText = reason.replyText;
    this.classId = reason.classId;
    this.methodId = reason.methodId;
    this.byBroker = byBroker;
  }
}

/**
 * The connection was closed with `connection.close`: by the broker (a connection error such
 * as 320 connection-forced, 403 access-refused at login, 501 frame-error, 505
 * unexpected-frame, 530 not-allowed), or by this client (after a protocol error it found,
 * or a user's `close()`). Every pending call on every channel fails with it.
 */
export class ConnectionClosed extends AmqpError implements CloseReason {
  override name = "ConnectionClosed";
  override readonly code: string = "ERR_AMQP_CONNECTION_CLOSED";
  readonly replyCode: number;
  readonly replyText: string;
  readonly classId: number;
  readonly methodId: number;
  /** True when the broker sent `connection.close`. */
  readonly byBroker: boolean;
  constructor(reason: CloseReason, byBroker: boolean, options?: ErrorOptions) {
    super(`connection closed${byBroker ? " by the broker" : ""}: ${reason.replyCode} ${reason.replyText}`, options);
    this.replyCode = reason.replyCode;
    this.replyText = reason.replyText;
    this.classId = reason.classId;
    this.methodId = reason.methodId;
    this.byBroker = byBroker;
  }
}

/** The transport went away without a `connection.close` handshake (`cause`: the transport's reason). */
export class ConnectionLost extends AmqpError {
  override name = "ConnectionLost";
  override readonly code: string = "ERR_AMQP_CONNECTION_LOST";
}

/** Nothing was received from the broker for two heartbeat intervals; the connection is aborted. */
export class HeartbeatTimeout extends AmqpError {
  override name = "HeartbeatTimeout";
  override readonly code: string = "ERR_AMQP_HEARTBEAT_TIMEOUT";
}

/** The broker did not complete the handshake (start, tune, open-ok) in time; the connection is aborted. */
export class HandshakeTimeout extends AmqpError {
  override name = "HandshakeTimeout";
  override readonly code: string = "ERR_AMQP_HANDSHAKE_TIMEOUT";
}

/** `close()` did not complete its handshake within the timeout; the socket was aborted. */
export class CloseTimeout extends AmqpError {
  override name = "CloseTimeout";
  override readonly code: string = "ERR_AMQP_CLOSE_TIMEOUT";
}

/** A short string (exchange, queue, routing key, property, table key) is over 255 bytes of UTF-8; nothing was sent. */
export class ShortStringTooLong extends AmqpError {
  override name = "ShortStringTooLong";
  override readonly code: string = "ERR_AMQP_SHORTSTR_TOO_LONG";
  constructor(readonly byteLength: number) {
    super(`short string of ${byteLength} bytes (limit 255)`);
  }
}

/** A value cannot be written into a field table (a function, a symbol, a number that is not finite...). */
export class FieldValueError extends AmqpError {
  override name = "FieldValueError";
  override readonly code: string = "ERR_AMQP_FIELD_VALUE";
}

/** An `amqp://` / `amqps://` URL (or connection option) is malformed. */
export class AmqpUrlError extends AmqpError {
  override name = "AmqpUrlError";
  override readonly code: string = "ERR_AMQP_URL";
}

/** Every channel id up to the negotiated channel-max is in use. */
export class ChannelLimitError extends AmqpError {
  override name = "ChannelLimitError";
  override readonly code: string = "ERR_AMQP_CHANNEL_LIMIT";
}

/** A call was made in a state that does not allow it (a closed channel, a channel not in confirm mode...). */
export class AmqpStateError extends AmqpError {
  override name = "AmqpStateError";
  override readonly code: string = "ERR_AMQP_STATE";
}

/** The broker nacked a message published in confirm mode (`basic.nack`): it did not take responsibility for it. */
export class PublishNacked extends AmqpError {
  override name = "PublishNacked";
  override readonly code: string = "ERR_AMQP_PUBLISH_NACKED";
  constructor(readonly sequence: number) {
    super(`the broker nacked publish #${sequence}`);
  }
}

/**
 * A `mandatory` message could not be routed and the broker returned it (`basic.return`,
 * typically 312 NO_ROUTE). In confirm mode the publish's Deferred fails with this (the
 * broker's later ack only says it handled the return).
 */
export class MessageReturned extends AmqpError {
  override name = "MessageReturned";
  override readonly code: string = "ERR_AMQP_MESSAGE_RETURNED";
  constructor(
    readonly replyCode: number,
    readonly replyText: string,
    readonly exchange: string,
    readonly routingKey: string,
  ) {
    super(`message returned: ${replyCode} ${replyText} (exchange ${JSON.stringify(exchange)}, routing key ${JSON.stringify(routingKey)})`);
  }
}

/** The broker cancelled a consumer (`basic.cancel` from the server, e.g. its queue was deleted). */
export class ConsumerCancelled extends AmqpError {
  override name = "ConsumerCancelled";
  override readonly code: string = "ERR_AMQP_CONSUMER_CANCELLED";
  constructor(readonly consumerTag: string) {
    super(`the broker cancelled consumer ${consumerTag}`);
  }
}

/**
 * The bytes from the broker cannot be framed: a bad frame-end octet, a frame over
 * frame-max, an unknown frame type, or a protocol header (the broker refused 0-9-1).
 * Connection error 501 frame-error.
 */
export class AmqpFrameError extends DecodeError {
  override name = "AmqpFrameError";
  override readonly code: string = "ERR_AMQP_FRAME";
  /** The AMQP reply code this maps to. */
  readonly replyCode: number = 501;
}

/**
 * A frame's payload is malformed (a method or content header that ends early, an unknown
 * method or field type, a frame on the wrong channel or out of order). Connection error
 * 502 syntax-error / 503 command-invalid / 505 unexpected-frame, per `replyCode`.
 */
export class AmqpSyntaxError extends AmqpError {
  override name = "AmqpSyntaxError";
  override readonly code: string = "ERR_AMQP_SYNTAX";
  constructor(
    message: string,
    readonly replyCode = 502,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
