import { strict as assert } from "node:assert";
import { test } from "node:test";
import { MemCacheProtocol } from "@torsion/memcache";
import { Clock, StringTransport } from "@torsion/testing";
import type { Deferred } from "@torsion/defer";

/** A small deterministic generator (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ["STORED", "NOT_STORED", "END", "VALUE k 0 3", "VALUE k 0 3 9", "abc", "STAT a b", "ERROR", "CLIENT_ERROR x", "12", "-1", "\xff", "VERSION 1", "DELETED", "OK", "", " ", "\n", "VALUE k 0 99999999999"];

test("random reply streams never throw out of dataReceived and never leave a command unsettled after close", () => {
  const random = seeded(14);
  for (let round = 0; round < 300; round += 1) {
    const transport = new StringTransport();
    const mc = new MemCacheProtocol({ clock: new Clock(), coalesceWrites: false });
    mc.makeConnection(transport);
    const settled: boolean[] = [];
    const pending: Deferred<unknown>[] = [mc.get("k"), mc.set("k", Buffer.from("v")), mc.get("k", true), mc.stats(), mc.increment("k"), mc.delete("k")];
    pending.forEach((d, i) => {
      settled[i] = false;
      d.addBoth(() => {
        settled[i] = true;
        return null;
      });
    });
    const parts: string[] = [];
    for (let i = 0; i < 8; i += 1) parts.push(PIECES[Math.floor(random() * PIECES.length)] as string);
    const stream = Buffer.from(parts.join("\r\n") + "\r\n", "latin1");
    for (let at = 0; at < stream.length; ) {
      const size = 1 + Math.floor(random() * 7);
      mc.dataReceived(stream.subarray(at, at + size));
      at += size;
    }
    if (transport.disconnecting) {
      assert.equal(mc.pendingCount, 0, `round ${round}: a close fails everything pending`);
      assert.ok(settled.every(Boolean), `round ${round}`);
    } else {
      assert.equal(settled.filter((s) => !s).length, mc.pendingCount, `round ${round}: the queue holds exactly the unsettled commands`);
    }
  }
});

test("a pipelined reply stream gives the same results at every chunk size", () => {
  const stream = Buffer.from("STORED\r\nVALUE k 7 5 42\r\na\r\nb\r\r\nEND\r\nNOT_FOUND\r\n9\r\nSTAT x 1\r\nSTAT y 2 3\r\nEND\r\nVERSION 1.6.18\r\n", "latin1");
  const run = (size: number): unknown[] => {
    const mc = new MemCacheProtocol({ clock: new Clock(), coalesceWrites: false });
    mc.makeConnection(new StringTransport());
    const results: unknown[] = [];
    const calls = [mc.set("k", Buffer.from("v")), mc.get("k", true), mc.delete("k"), mc.increment("n"), mc.stats(), mc.version()] as Deferred<unknown>[];
    for (const call of calls) call.addCallback((value) => void results.push(value instanceof Map ? [...value] : value));
    for (let at = 0; at < stream.length; at += size) mc.dataReceived(stream.subarray(at, at + size));
    return results;
  };
  const whole = run(stream.length);
  assert.deepEqual(whole, [true, [7, Buffer.from("42"), Buffer.from("a\r\nb\r")], false, 9n, [["x", "1"], ["y", "2 3"]], "1.6.18"]);
  for (let size = 1; size < stream.length; size += 1) assert.deepEqual(run(size), whole, `chunk size ${size}`);
});
