import { strict as assert } from "node:assert";
import { test } from "node:test";
import { Deviation, loadSuite, normalise, replay } from "./oracle-harness.js";

const vectors = loadSuite("memcache");

/** Which categories each deviation may appear in (a deviation anywhere else is a bug). */
const ALLOWED: Record<Deviation, (category: string, hasLost: boolean) => boolean> = {
  [Deviation.malformedFailsAll]: (category) => category.startsWith("malformed-"),
  [Deviation.overlongFailsAll]: (category) => category.startsWith("malformed-overlong"),
  [Deviation.timerCancelledOnLost]: (_category, hasLost) => hasLost,
};

test("every memcache vector recorded from Twisted 22.4 replays, with Torsion's deviations only where documented", (t) => {
  assert.ok(vectors.length > 100, "the fixture holds the suite");
  const byDeviation = new Map<Deviation, string[]>();
  for (const vector of vectors) {
    const result = replay(vector);
    result.ops.forEach(({ op, actual, expected }, index) => {
      assert.deepEqual(normalise(actual), expected, `${vector.id} (${vector.category}) op ${index} ${JSON.stringify(op).slice(0, 120)}`);
    });
    assert.deepEqual(result.finalActual, result.finalExpected, `${vector.id} final state`);
    const hasLost = vector.ops.some((op) => op[0] === "lost" || op[0] === "data") && (vector.ops.some((op) => op[0] === "lost") || result.deviations.has(Deviation.malformedFailsAll));
    for (const deviation of result.deviations) {
      assert.ok(ALLOWED[deviation](vector.category, hasLost), `${vector.id} (${vector.category}) deviates unexpectedly: ${deviation}`);
      byDeviation.set(deviation, [...(byDeviation.get(deviation) ?? []), vector.id]);
    }
  }
  for (const [deviation, ids] of byDeviation) t.diagnostic(`${deviation}: ${ids.join(" ")}`);
});

test("the replay notices a wrong result (the harness can fail)", () => {
  const vector = vectors.find((v) => v.category === "single-get" && v.events.some((e) => e[0] === "result"));
  assert.ok(vector);
  const tampered = structuredClone(vector);
  const resultAt = tampered.events.findIndex((e) => e[0] === "result");
  tampered.events[resultAt] = ["result", 0, true];
  const result = replay(tampered);
  assert.throws(() => {
    for (const { actual, expected } of result.ops) assert.deepEqual(normalise(actual), expected);
  });
});
