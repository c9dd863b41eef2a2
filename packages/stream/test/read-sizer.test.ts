import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { COPY_LIMIT, MAX_READ_SIZE, READ_SIZES, ReadSizer, SHRINK_AFTER } from "@torsion/stream/internal";

describe("ReadSizer", () => {
  it("starts on the shared scratch and stays there while reads are small", () => {
    const sizer = new ReadSizer();
    assert.equal(sizer.size, 0);
    for (let i = 0; i < 100; i++) sizer.record(1 + (i % (COPY_LIMIT - 1)), 65536);
    assert.equal(sizer.size, 0);
  });

  it("moves to a private region twice the size of the first big read", () => {
    const sizer = new ReadSizer();
    sizer.record(COPY_LIMIT, 65536);
    assert.equal(sizer.size, 8 * 1024);
    const other = new ReadSizer();
    other.record(10_000, 65536);
    assert.equal(other.size, 32 * 1024);
    const full = new ReadSizer();
    full.record(65536, 65536);
    assert.equal(full.size, MAX_READ_SIZE);
  });

  it("grows the next region each time a read fills its buffer, up to the maximum", () => {
    const sizer = new ReadSizer();
    sizer.record(COPY_LIMIT, 65536);
    const seen = [sizer.size];
    for (let i = 0; i < 6; i++) {
      sizer.record(sizer.size, sizer.size);
      seen.push(sizer.size);
    }
    assert.deepEqual(seen, [8192, 16384, 32768, 65536, 65536, 65536, 65536]);
  });

  it("treats a read that fills a smaller leftover buffer as a reason to grow", () => {
    const sizer = new ReadSizer();
    sizer.record(COPY_LIMIT, 65536);
    sizer.record(5000, 5000);
    assert.equal(sizer.size, 16384);
  });

  it("shrinks one level after consecutive small reads, back down to the shared scratch", () => {
    const sizer = new ReadSizer();
    sizer.record(65536, 65536);
    const levels = [sizer.level];
    for (let i = 0; i < SHRINK_AFTER * (READ_SIZES.length - 1); i++) {
      sizer.record(64, 65536);
      levels.push(sizer.level);
    }
    assert.equal(sizer.size, 0);
    assert.equal(levels.filter((l, i) => i > 0 && l !== levels[i - 1]).length, READ_SIZES.length - 1);
    for (let i = 1; i < SHRINK_AFTER; i++) assert.equal(levels[i], levels[0], "no shrink before SHRINK_AFTER small reads");
  });

  it("does not shrink when a medium read interrupts the run of small reads", () => {
    const sizer = new ReadSizer();
    sizer.record(65536, 65536);
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < SHRINK_AFTER - 1; i++) sizer.record(100, 65536);
      sizer.record(40_000, 65536);
    }
    assert.equal(sizer.size, MAX_READ_SIZE);
  });
});
