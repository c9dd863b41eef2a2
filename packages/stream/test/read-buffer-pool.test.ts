import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SCRATCH_SIZE, SLAB_SIZE, carveRegion, copyToSlab, releaseRegion, sharedScratch, slabStats } from "@torsion/stream";

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
    assert.deepEqual(regions.map((r) => r.length), [100, 8192, 1, 65536, 65536]);
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
    const copy = copyToSlab(source, 5);
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
});
