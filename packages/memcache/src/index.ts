/** @packageDocumentation Memcached client: Twisted's MemCacheProtocol for Torsion. */
export {
  MemcacheError,
  NoSuchCommand,
  ClientError,
  ServerError,
  InvalidKeyError,
  InvalidArgumentError,
  MemcacheNotConnectedError,
  MemcacheTimeoutError,
  MalformedReplyError,
  LineTooLongError,
  ValueTooLargeError,
  type MalformedReplyReason,
} from "./errors.js";
export { MemCacheProtocol, DEFAULT_PORT, type MemCacheProtocolOptions, type GetResult, type GetsResult } from "./mem-cache-protocol.js";
export {
  MemcacheReplyDecoder,
  type MemcacheReplyDecoderOptions,
  type MemcacheReplyFrame,
  type ValueHeaderFrame,
  type ValueDataFrame,
} from "./reply-decoder.js";
export { MAX_KEY_LENGTH, type MemcacheKey, encodeKey } from "./wire.js";
