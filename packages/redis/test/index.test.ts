import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as redis from "@torsion/redis";

test("the package exports exactly its documented names", () => {
  const names = Object.keys(redis).sort();
  assert.deepEqual(
    names,
    [
      "CommandWriter",
      "RedisArgumentError",
      "RedisClient",
      "RedisClientError",
      "RedisCommands",
      "RedisConnectionClosedError",
      "RedisConnectionLostError",
      "RedisError",
      "RedisExecAbortError",
      "RedisHandshakeError",
      "RedisPipeline",
      "RedisProtocol",
      "RedisReplyTypeError",
      "RedisTimeoutError",
      "RedisTransaction",
      "RedisUrlError",
      "RespDecoder",
      "RespLimitError",
      "RespMap",
      "RespProtocolError",
      "RespPush",
      "RespSet",
      "RespTruncatedError",
      "VerbatimString",
      "encodeCommand",
      "parseRedisAddress",
      "respToString",
    ].sort(),
  );
});

test("every error has a name and a stable code", () => {
  const errors = [
    new redis.RedisClientError("x"),
    new redis.RedisConnectionClosedError("x"),
    new redis.RedisConnectionLostError("x"),
    new redis.RedisTimeoutError("x"),
    new redis.RedisHandshakeError("x"),
    new redis.RedisArgumentError("x"),
    new redis.RedisReplyTypeError("x"),
    new redis.RedisUrlError("x"),
    new redis.RespProtocolError("x"),
    new redis.RespLimitError("bulk", 2, 1),
    new redis.RespTruncatedError("x"),
  ];
  for (const error of errors) {
    assert.equal(error.name, error.constructor.name);
    assert.match(error.code, /^ERR_REDIS_[A-Z_]+$/);
  }
  const reply = redis.RedisError.fromLine("WRONGTYPE Operation against a key");
  assert.equal(reply.name, "RedisError");
  assert.equal(reply.code, "WRONGTYPE");
  assert.equal(reply.errorCode, "ERR_REDIS_REPLY");
  assert.equal(reply.message, "WRONGTYPE Operation against a key");
});
