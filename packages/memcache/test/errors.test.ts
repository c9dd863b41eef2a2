import { strict as assert } from "node:assert";
import { test } from "node:test";
import { DecodeError, NotConnectedError } from "@torsion/core";
import { TorsionError } from "@torsion/defer";
import * as memcache from "@torsion/memcache";
import * as memcacheInternal from "@torsion/memcache/internal";

test("every memcache error has a name, a stable ERR_MEMCACHE code and a cause", () => {
  const cause = new Error("root");
  const errors: Error[] = [
    new memcache.NoSuchCommand("", { cause }),
    new memcache.ClientError("x", null, { cause }),
    new memcache.ServerError("x", null, { cause }),
    new memcache.InvalidKeyError("x", null, { cause }),
    new memcache.InvalidArgumentError("x", null, { cause }),
    new memcache.MemcacheNotConnectedError(undefined, { cause }),
    new memcache.MemcacheTimeoutError(undefined, { cause }),
    new memcache.MalformedReplyError("badNumber", "x", { cause }),
    new memcache.LineTooLongError("x", { cause }),
  ];
  for (const error of errors) {
    assert.ok(error instanceof TorsionError, error.name);
    assert.match(error.code, /^ERR_MEMCACHE/);
    assert.equal(error.cause, cause);
  }
  assert.ok(new memcache.ValueTooLargeError(2, 1) instanceof DecodeError);
  assert.ok(new memcache.InvalidKeyError("x") instanceof memcache.ClientError, "Twisted reports bad keys as ClientError");
});

test("memcache's not-connected error is a kind of core's NotConnectedError with a name and code of its own", () => {
  const error = new memcache.MemcacheNotConnectedError();
  assert.ok(error instanceof NotConnectedError);
  assert.equal(error.name, "MemcacheNotConnectedError");
  assert.notEqual(error.name, new NotConnectedError().name);
  assert.equal(error.code, "ERR_MEMCACHE_NOT_CONNECTED");
  assert.equal(error.message, "not connected");
  assert.equal("NotConnectedError" in memcache, false, "no export shadows core's class");
});

test("the entry point exports the protocol, the decoder and the port, and the internal subpath the Python-compatible helpers", () => {
  assert.equal(memcache.DEFAULT_PORT, 11211);
  assert.equal(memcache.MemCacheProtocol.MAX_KEY_LENGTH, 250);
  assert.equal(typeof memcache.MemcacheReplyDecoder, "function");
  assert.equal("parsePythonInt" in memcache, false, "the main entry does not export the internals");
  assert.equal(memcacheInternal.pythonBytesRepr(Buffer.from("it's\xff", "latin1")), `b"it's\\xff"`);
  assert.equal(memcacheInternal.parsePythonInt(Buffer.from(" +1_0\t")), 10n);
  assert.equal(memcacheInternal.parsePythonInt(Buffer.from("1__0")), null);
});
