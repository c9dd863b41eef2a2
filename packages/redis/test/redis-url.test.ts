import { strict as assert } from "node:assert";
import { test } from "node:test";
import { RedisUrlError, parseRedisAddress } from "@torsion/redis";

test("a redis:// URL gives a tcp description, the database and the credentials", () => {
  assert.deepEqual(parseRedisAddress("redis://127.0.0.1:6380/2"), { description: "tcp:host=127.0.0.1:port=6380", db: 2 });
  assert.deepEqual(parseRedisAddress("redis://al%40ce:p%3Ass@localhost"), { description: "tcp:host=localhost:port=6379", username: "al@ce", password: "p:ss" });
  assert.deepEqual(parseRedisAddress("redis://:secret@[::1]:7000"), { description: "tcp:host=\\:\\:1:port=7000", password: "secret" });
});

test("unix: and tcp: descriptions pass through unchanged", () => {
  assert.deepEqual(parseRedisAddress("unix:/tmp/r.sock"), { description: "unix:/tmp/r.sock" });
  assert.deepEqual(parseRedisAddress("tcp:127.0.0.1:6379"), { description: "tcp:127.0.0.1:6379" });
});

test("anything else is a RedisUrlError", () => {
  for (const bad of ["http://x", "redis://", "redis://h/x", "redis://h/-1", "redis://h:99999"]) {
    assert.throws(() => parseRedisAddress(bad), RedisUrlError, bad);
  }
});
