import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { seededRandom } from "@torsion/protocols";
import { normalVariate } from "@torsion/protocols/internal";

describe("seededRandom", () => {
  it("repeats the same sequence for the same seed and differs for another", () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const first = [a(), a(), a()];
    assert.deepEqual([b(), b(), b()], first);
    assert.notDeepEqual([c(), c(), c()], first);
  });

  it("stays in [0, 1) and spreads evenly", () => {
    const random = seededRandom(123);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10000; i++) {
      const x = random();
      assert.ok(x >= 0 && x < 1);
      buckets[Math.floor(x * 10)]! += 1;
    }
    for (const count of buckets) assert.ok(count > 850 && count < 1150, `bucket count ${count}`);
  });
});

describe("normalVariate", () => {
  it("has the requested mean and standard deviation", () => {
    const random = seededRandom(2024);
    const samples = Array.from({ length: 20000 }, () => normalVariate(10, 2, random));
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    const sd = Math.sqrt(samples.reduce((s, x) => s + (x - mean) ** 2, 0) / samples.length);
    assert.ok(Math.abs(mean - 10) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(sd - 2) < 0.05, `sd ${sd}`);
  });

  it("returns the mean when sigma is 0, and stays finite when the source returns 0", () => {
    assert.equal(normalVariate(3, 0, seededRandom(1)), 3);
    assert.ok(Number.isFinite(normalVariate(3, 1, () => 0)));
  });
});
