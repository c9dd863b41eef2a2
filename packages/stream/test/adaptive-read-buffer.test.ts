import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AdaptiveReadBuffer,
  COPY_LIMIT,
  MAX_READ_SIZE,
  MIN_COPY_SLAB,
  RETENTION_BOUND,
  SHRINK_AFTER,
  copyFootprint,
  sharedScratch,
  slabStats,
} from "@torsion/stream/internal";

/** Plays libuv: writes `n` pattern bytes into the connection's next buffer and takes them. */
function read(reads: AdaptiveReadBuffer, n: number, seed: number): { data: Buffer; into: Buffer } {
  const into = reads.next();
  const length = Math.min(n, into.length);
  for (let i = 0; i < length; i++) into[i] = (seed + i * 31) & 0xff;
  return { data: reads.take(length, into), into };
}

function pattern(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (seed + i * 31) & 0xff;
  return out;
}

function overlaps(a: Buffer, b: Buffer): boolean {
  if (a.buffer !== b.buffer || a.length === 0 || b.length === 0) return false;
  return a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length;
}

/** A deterministic pseudo-random generator (LCG), so a failure can be replayed. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe("AdaptiveReadBuffer", () => {
  it("gives an idle connection the shared scratch and no private memory", () => {
    const reads = new AdaptiveReadBuffer();
    assert.equal(reads.next(), sharedScratch());
    assert.equal(reads.privateBytes, 0);
  });

  it("copies small reads out of the scratch, so the next read cannot overwrite them", () => {
    const reads = new AdaptiveReadBuffer();
    const first = read(reads, 64, 1);
    assert.equal(first.into, sharedScratch());
    assert.notEqual(first.data.buffer, sharedScratch().buffer);
    read(reads, 64, 2);
    assert.deepEqual(first.data, pattern(64, 1));
    assert.equal(reads.privateBytes, 0);
  });

  it("switches a bulk reader to a private region and hands out views of it without copying", () => {
    const reads = new AdaptiveReadBuffer();
    read(reads, MAX_READ_SIZE, 3);
    assert.equal(reads.privateBytes, MAX_READ_SIZE);
    const region = reads.next();
    assert.notEqual(region, sharedScratch());
    const { data } = read(reads, 20_000, 4);
    assert.equal(data.buffer, region.buffer);
    assert.equal(data.byteOffset, region.byteOffset, "the read is handed out in place");
    assert.equal(reads.next().byteOffset, region.byteOffset + 20_000, "the next read goes into the untouched rest");
  });

  it("copies a small read out of a private region and reads into the same place again", () => {
    const reads = new AdaptiveReadBuffer();
    read(reads, MAX_READ_SIZE, 3);
    const region = reads.next();
    const { data } = read(reads, COPY_LIMIT - 1, 4);
    assert.notEqual(data.buffer, region.buffer, "a read below COPY_LIMIT is not lent");
    assert.deepEqual(data, pattern(COPY_LIMIT - 1, 4));
    assert.ok(data.buffer.byteLength <= copyFootprint(COPY_LIMIT - 1));
    assert.equal(reads.next(), region, "the region was not used up");
  });

  it("hands out nothing that keeps more than 64 times its size (or 2 KiB) alive", () => {
    const random = lcg(777);
    const reads = new AdaptiveReadBuffer();
    const sizes = [1, 15, 64, 65, 1000, 4095, 4096, 9000, 30_000, 65_536];
    for (let step = 0; step < 2000; step++) {
      const n = sizes[Math.floor(random() * sizes.length)] as number;
      const { data } = read(reads, n, step);
      assert.ok(
        data.buffer.byteLength <= Math.max(MIN_COPY_SLAB, RETENTION_BOUND * data.length),
        `a ${data.length}-byte read keeps ${data.buffer.byteLength} bytes alive`,
      );
    }
  });

  it("returns to the shared scratch after a run of small reads", () => {
    const reads = new AdaptiveReadBuffer();
    read(reads, COPY_LIMIT, 5);
    assert.ok(reads.privateBytes > 0);
    for (let i = 0; i < SHRINK_AFTER; i++) read(reads, 10, i);
    assert.equal(reads.privateBytes, 0);
    assert.equal(reads.next(), sharedScratch());
  });

  it("copies reads out if the runtime keeps reading into an older buffer without asking", () => {
    const reads = new AdaptiveReadBuffer();
    const pinned = reads.next();
    pinned.fill(9, 0, MAX_READ_SIZE);
    const first = reads.take(MAX_READ_SIZE, pinned);
    assert.ok(reads.privateBytes > 0, "the policy moved to a private region");
    pinned.fill(10, 0, 100);
    const second = reads.take(100, pinned);
    pinned.fill(11, 0, 100);
    assert.ok(
      first.every((b) => b === 9),
      "the first read was copied",
    );
    assert.ok(
      second.every((b) => b === 10),
      "the second read was copied too",
    );
    assert.notEqual(second.buffer, pinned.buffer);
  });

  it("gives back its untouched region on close when it is the newest carving", () => {
    const reads = new AdaptiveReadBuffer();
    read(reads, MAX_READ_SIZE, 6);
    const region = reads.next();
    const after = slabStats().slabOffset;
    reads.close();
    assert.equal(slabStats().slabOffset, after - region.length);
    assert.equal(reads.privateBytes, 0);
    reads.close();
    assert.equal(slabStats().slabOffset, after - region.length, "close is idempotent");
  });

  it("never overwrites or overlaps bytes handed out, over random reads on interleaved connections", () => {
    const random = lcg(12345);
    const connections = [new AdaptiveReadBuffer(), new AdaptiveReadBuffer(), new AdaptiveReadBuffer()];
    const handed: { data: Buffer; seed: number }[] = [];
    const sizes = [1, 7, 64, 1024, 4095, 4096, 9000, 30_000, 65_536];
    for (let step = 0; step < 3000; step++) {
      const reads = connections[Math.floor(random() * connections.length)] as AdaptiveReadBuffer;
      const phase = Math.floor(step / 250) % 2;
      const n = phase === 0 ? (sizes[Math.floor(random() * 4)] as number) : (sizes[Math.floor(random() * sizes.length)] as number);
      const { data } = read(reads, n, step);
      handed.push({ data, seed: step });
      if (step % 500 === 499) connections[step % 3]?.close();
    }
    for (const { data, seed } of handed) assert.ok(data.equals(pattern(data.length, seed)), `read ${seed} was overwritten`);
    const sorted = handed.map((h) => h.data).filter((d) => d.buffer !== sharedScratch().buffer);
    const byBuffer = new Map<ArrayBufferLike, Buffer[]>();
    for (const d of sorted) byBuffer.set(d.buffer, [...(byBuffer.get(d.buffer) ?? []), d]);
    for (const views of byBuffer.values()) {
      views.sort((a, b) => a.byteOffset - b.byteOffset);
      for (let i = 1; i < views.length; i++) assert.equal(overlaps(views[i - 1] as Buffer, views[i] as Buffer), false);
    }
    for (const reads of connections) for (const { data } of handed) assert.equal(overlaps(reads.next(), data), false);
  });
});
