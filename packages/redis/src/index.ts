/**
 * @packageDocumentation A Redis client for Torsion: an incremental RESP2/RESP3 decoder,
 * a pipelining protocol with pub/sub and transactions, and a reconnecting client service.
 */
export {
  RedisError,
  RedisExecAbortError,
  RedisClientError,
  RedisConnectionClosedError,
  RedisConnectionLostError,
  RedisTimeoutError,
  RedisHandshakeError,
  RedisArgumentError,
  RedisReplyTypeError,
  RedisUrlError,
  RespProtocolError,
  RespLimitError,
  RespTruncatedError,
} from "./errors.js";
export { RespMap, RespSet, RespPush, VerbatimString, respToString, type RespValue } from "./resp-types.js";
export { RespDecoder, type RespDecoderOptions } from "./resp-decoder.js";
export { CommandWriter, encodeCommand, type RedisArgument } from "./resp-encoder.js";
export type { ReplyConverter } from "./reply-converters.js";
export { RedisCommands, type SetOptions, type ScanOptions, type ExpireCondition } from "./redis-commands.js";
export type { MessageListener, PubSubKind } from "./pub-sub.js";
export { RedisProtocol, RedisTransaction, RedisPipeline, type RedisProtocolOptions } from "./redis-protocol.js";
export { RedisClient, type RedisClientOptions } from "./redis-client.js";
export { parseRedisAddress, type RedisAddress } from "./redis-url.js";
