import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectError } from "@torsion/core";
import { TorsionError } from "@torsion/defer";
import { BadFileError, InvalidLockFileError, NotASocketError } from "@torsion/unix";

describe("unix errors", () => {
  it("BadFileError is a ConnectError with a stable code, the path and a cause", () => {
    const cause = new Error("root");
    const error = new BadFileError("/tmp/x.sock", undefined, { cause });
    assert.ok(error instanceof ConnectError);
    assert.equal(error.name, "BadFileError");
    assert.equal(error.code, "ERR_BAD_FILE");
    assert.equal(error.path, "/tmp/x.sock");
    assert.equal(error.cause, cause);
    assert.match(error.message, /x\.sock/);
  });

  it("InvalidLockFileError and NotASocketError name the path, say why, and say it was left in place", () => {
    const lock = new InvalidLockFileError("/tmp/x.sock.lock", "a regular file, not a symbolic link");
    assert.ok(lock instanceof TorsionError);
    assert.equal(lock.name, "InvalidLockFileError");
    assert.equal(lock.code, "ERR_INVALID_LOCK_FILE");
    assert.equal(lock.path, "/tmp/x.sock.lock");
    assert.equal(lock.message, "/tmp/x.sock.lock is not a PID lock file (a regular file, not a symbolic link); it was left in place");
    const file = new NotASocketError("/tmp/data.db", "a regular file");
    assert.ok(file instanceof TorsionError);
    assert.equal(file.name, "NotASocketError");
    assert.equal(file.code, "ERR_NOT_A_SOCKET");
    assert.equal(file.path, "/tmp/data.db");
    assert.equal(file.message, "/tmp/data.db is a regular file, not a socket; it was left in place");
  });
});
