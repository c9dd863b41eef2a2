/**
 * `@torsion/amqp`: an AMQP 0-9-1 client for RabbitMQ, on Torsion. The method and
 * content-header codecs are generated from RabbitMQ's extended 0-9-1 XML
 * (`scripts/generate-spec.mjs`; the output is checked in).
 * @packageDocumentation
 */
export {
  AmqpError,
  AmqpFrameError,
  AmqpStateError,
  AmqpSyntaxError,
  AmqpUrlError,
  ChannelClosed,
  ChannelLimitError,
  CloseTimeout,
  ConnectionClosed,
  ConnectionLost,
  ConsumerCancelled,
  FieldValueError,
  HandshakeTimeout,
  HeartbeatTimeout,
  MessageReturned,
  PublishNacked,
  ShortStringTooLong,
  type CloseReason,
} from "./errors.js";
export { AmqpDecimal, TypedFieldValue, typed, encodeFieldTable, decodeFieldTable, type FieldTable, type FieldValue, type FieldTypeCode } from "./field-table.js";
export { FrameDecoder, FrameType, FRAME_END, FRAME_MIN_SIZE, FRAME_OVERHEAD, type Frame } from "./frame-decoder.js";
export { PROTOCOL_HEADER, HEARTBEAT_FRAME, writeMethod, writeContent, decodeMethod, decodeContentHeader, type ContentHeader } from "./frame-codec.js";
export { Reader, Writer } from "./spec/codec-io.js";
export {
  AMQP_CONSTANTS,
  CLASS_IDS,
  METHOD_IDS,
  METHOD_INFO,
  HARD_ERROR_CODES,
  SOFT_ERROR_CODES,
  type AmqpMethod,
  type BasicProperties,
  type MethodArgsMap,
  type MethodInfo,
  type MethodName,
} from "./spec/amqp-spec.generated.js";
export type { AmqpContent, AmqpMessage, ReturnedMessage } from "./message.js";
export { AmqpConsumer } from "./consumer.js";
export { AmqpChannel, type ConsumeOptions, type ExchangeDeclareOptions, type PublishOptions, type QueueDeclareOptions, type QueueDeclared } from "./channel.js";
export { AmqpConnection, type AmqpConnectionOptions, type TuneParameters } from "./connection.js";
export { parseAmqpUrl, type AmqpUrl } from "./url.js";
export { connectAmqp, type ConnectAmqpOptions, type AmqpReactor } from "./connect.js";
export { AmqpClient, type AmqpClientOptions } from "./amqp-client.js";
