import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  COPY_POOL_LIMIT,
  LEND_LIMIT,
  MIN_COPY_SLAB,
  RETENTION_BOUND,
  SCRATCH_SIZE,
  SLAB_SIZE,
  carveRegion,
  copyFootprint,
  copyOut,
  releaseRegion,
  sharedScratch,
  slabStats,
} from "@torsion/stream/internal";

/** Whether two views share any byte of memory. */
function overlaps(a: Buffer, b: Buffer): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length;
}

describe("read-buffer-pool", () => {
  it("shares one scratch of the full read size between all callers", () => {
    const scratch = sharedScratch();
    assert.equal(scratch.length, SCRATCH_SIZE);
    assert.equal(sharedScratch(), scratch);
  });

  it("carves regions that never overlap one another nor the scratch", () => {
    const regions = [carveRegion(100), carveRegion(8192), carveRegion(1), carveRegion(65536), carveRegion(65536)];
    for (const [i, a] of regions.entries()) {
      assert.equal(overlaps(a, sharedScratch()), false);
      for (const b of regions.slice(i + 1)) assert.equal(overlaps(a, b), false);
    }
    assert.deepEqual(
      regions.map((r) => r.length),
      [100, 8192, 1, 65536, 65536],
    );
  });

  it("starts a new slab when the current one has too little room left", () => {
    carveRegion(1);
    const last = carveRegion(SLAB_SIZE - slabStats().slabOffset);
    const before = slabStats().slabsAllocated;
    assert.equal(slabStats().slabOffset, SLAB_SIZE);
    const next = carveRegion(16);
    assert.equal(slabStats().slabsAllocated, before + 1);
    assert.notEqual(next.buffer, last.buffer);
    assert.equal(next.byteOffset, 0);
    assert.equal(next.buffer.byteLength, SLAB_SIZE);
  });

  it("copies bytes out so that reusing the source leaves the copy unchanged", () => {
    const source = Buffer.from("hello world");
    const copy = copyOut(source, 5);
    source.fill(0x21);
    assert.equal(copy.toString(), "hello");
    assert.notEqual(copy.buffer, source.buffer);
  });

  it("reuses a released region only when it is the newest carving", () => {
    const kept = carveRegion(64);
    kept.fill(7);
    const tail = carveRegion(4096);
    const offset = slabStats().slabOffset;
    assert.equal(releaseRegion(tail), true);
    assert.equal(slabStats().slabOffset, offset - 4096);
    const again = carveRegion(4096);
    assert.equal(again.byteOffset, tail.byteOffset);
    assert.equal(releaseRegion(kept), false, "an older carving is not reused");
    assert.equal(overlaps(carveRegion(64), kept), false);
    assert.ok(kept.every((b) => b === 7));
    assert.equal(releaseRegion(Buffer.alloc(10)), false, "foreign memory is ignored");
  });

  it("lends views only of reads that are at least 1/64 of a slab, and pools copies up to that size", () => {
    assert.equal(LEND_LIMIT * RETENTION_BOUND, SLAB_SIZE);
    assert.equal(COPY_POOL_LIMIT, LEND_LIMIT);
    assert.ok(copyFootprint(COPY_POOL_LIMIT) <= RETENTION_BOUND * COPY_POOL_LIMIT);
  });

  it("copies each size class into its own slab of at most 32 times the rounded size", () => {
    const expected: [number, number][] = [
      [1, 2048],
      [15, 2048],
      [64, 2048],
      [65, 4096],
      [128, 4096],
      [1000, 32_768],
      [4096, 131_072],
      [4097, 4097],
      [8192, 8192],
      [60_000, 60_000],
    ];
    for (const [length, footprint] of expected) {
      assert.equal(copyFootprint(length), footprint, `footprint of a ${length}-byte copy`);
      const copy = copyOut(Buffer.alloc(length, 1), length);
      assert.equal(copy.length, length);
      assert.equal(copy.buffer.byteLength, footprint, `a ${length}-byte copy lies in a ${footprint}-byte buffer`);
    }
    assert.ok(copyFootprint(15) === MIN_COPY_SLAB);
  });

  it("never lets copies of one size class share a slab with another class", () => {
    const small = copyOut(Buffer.alloc(10), 10);
    const large = copyOut(Buffer.alloc(3000), 3000);
    const small2 = copyOut(Buffer.alloc(10), 10);
    assert.notEqual(small.buffer, large.buffer);
    assert.equal(small.buffer, small2.buffer, "same class, same slab while it has room");
    assert.equal(overlaps(small, small2), false);
  });
});
