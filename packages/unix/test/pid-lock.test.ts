import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { acquirePidLock, InvalidLockFileError, isPidLocked, processAlive, readPidLock, releasePidLock } from "@torsion/unix";
import { tempDir } from "./unix-pair.js";

const temp = tempDir();
after(() => temp.remove());

function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("pid-lock", () => {
  it("acquires a free lock naming this process, and refuses it while we are alive", () => {
    const lock = path.join(temp.dir, "a.lock");
    assert.deepEqual(acquirePidLock(lock), { acquired: true, stale: false });
    assert.equal(readPidLock(lock), process.pid);
    assert.ok(isPidLocked(lock));
    assert.deepEqual(acquirePidLock(lock), { acquired: false, owner: process.pid });
    releasePidLock(lock);
    assert.equal(readPidLock(lock), null);
    assert.equal(isPidLocked(lock), false);
  });

  it("replaces a lock left by a dead process and says it was stale", () => {
    const lock = path.join(temp.dir, "b.lock");
    const pid = deadPid();
    assert.equal(processAlive(pid), false);
    fs.symlinkSync(String(pid), lock);
    assert.equal(isPidLocked(lock), false);
    assert.deepEqual(acquirePidLock(lock), { acquired: true, stale: true });
    assert.equal(readPidLock(lock), process.pid);
  });

  it("treats a file that is not a PID lock as an error and never deletes it", () => {
    const file = path.join(temp.dir, "d.lock");
    fs.writeFileSync(file, "data");
    const dir = path.join(temp.dir, "e.lock");
    fs.mkdirSync(dir);
    const link = path.join(temp.dir, "f.lock");
    fs.symlinkSync("12abc", link);
    const zero = path.join(temp.dir, "g.lock");
    fs.symlinkSync("0", zero);
    for (const lock of [file, dir, link, zero]) {
      assert.throws(() => readPidLock(lock), InvalidLockFileError, lock);
      assert.throws(
        () => acquirePidLock(lock),
        (e: unknown) => e instanceof InvalidLockFileError && e.path === lock,
      );
      assert.equal(isPidLocked(lock), false);
      releasePidLock(lock);
    }
    assert.equal(fs.readFileSync(file, "utf8"), "data");
    assert.ok(fs.statSync(dir).isDirectory());
    assert.equal(fs.readlinkSync(link), "12abc");
    assert.equal(fs.readlinkSync(zero), "0");
  });

  it("does not release a lock owned by another process", () => {
    const lock = path.join(temp.dir, "c.lock");
    fs.symlinkSync("1", lock);
    releasePidLock(lock);
    assert.equal(readPidLock(lock), 1);
    assert.equal(processAlive(1), true);
  });
});
