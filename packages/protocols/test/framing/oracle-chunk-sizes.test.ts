/**
 * Every receive stream of the four framing oracle suites, re-fed at chunk sizes 1–16, a
 * spread of larger sizes and the sizes around the stream's `MAX_LENGTH` (`sweepSizes`;
 * `TORSION_FULL_SWEEP=1` tries many more), up to Torsion's first loseConnection:
 * - a stream Torsion accepts whole (no error in one chunk) gives the one-chunk result at
 *   every chunk size;
 * - for a stream with an over-long line, the lines before it and the report itself are
 *   the same at every chunk size, while the report's argument follows Twisted's rule
 *   for that chunking: Torsion's events and their per-chunk attribution equal those of
 *   a model of Twisted's parser (twisted-line-model.ts, checked against every vector),
 *   which for LineOnlyReceiver does not count a trailing delimiter start;
 * - netstring and int-prefixed streams give the one-chunk result at every chunk size,
 *   errors included (their errors carry no chunk-dependent data).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { canonical, loadSuite, rechunk, replay, vectorChunks, type FramingVector, type OracleEvent } from "./oracle-harness.js";
import { buildSubject } from "./oracle-subjects.js";
import { sweepSizes } from "./sweep.js";
import { twistedLineModel, withoutExceededArguments } from "./twisted-line-model.js";

function check(vector: FramingVector, chunks: readonly Buffer[], reference: readonly OracleEvent[], label: string): void {
  const run = replay(buildSubject, vector, chunks, { stopAtOwnClose: true });
  const result = canonical(run.canonical, "raw");
  const model = twistedLineModel(vector.config, chunks, true);
  if (model === undefined) {
    assert.deepEqual(result, reference, label);
    return;
  }
  assert.deepEqual(run.events, model.events, `${label}: Twisted's rule`);
  assert.deepEqual(run.chunkEventEnds, model.chunkEventEnds, `${label}: Twisted's timing`);
  assert.deepEqual(withoutExceededArguments(result), withoutExceededArguments(reference), `${label}: same lines and report`);
  if (!reference.some((event) => event[0] === "lineLengthExceeded")) assert.deepEqual(result, reference, `${label}: valid stream`);
}

for (const suite of ["line-receiver", "line-only-receiver", "netstring", "int-prefixed"]) {
  describe(`chunk sizes over the ${suite} oracle streams`, () => {
    it("gives the one-chunk result at every chunk size, up to the argument of an over-long line's report", () => {
      let runs = 0;
      let invalid = 0;
      for (const vector of loadSuite(suite)) {
        if (vector.category === "send") continue;
        const stream = Buffer.concat(vectorChunks(vector));
        if (stream.length === 0) continue;
        const reference = canonical(replay(buildSubject, vector, [stream], { stopAtOwnClose: true }).canonical, "raw");
        if (reference.some((event) => event[0] === "lineLengthExceeded")) invalid += 1;
        const max = vector.config.MAX_LENGTH;
        const sizes = sweepSizes(stream.length, typeof max === "number" ? [max] : []);
        for (const size of sizes) {
          check(vector, rechunk([stream], size), reference, `${vector.id} at chunk size ${size}`);
          runs += 1;
        }
      }
      assert.ok(runs > 100, `only ${runs} runs`);
      if (suite.startsWith("line")) assert.ok(invalid > 10, `only ${invalid} streams with an over-long line`);
    });
  });
}
