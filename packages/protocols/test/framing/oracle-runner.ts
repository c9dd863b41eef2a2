/**
 * Runs a framing suite of Twisted oracle vectors (FORMAT.md §3) as node:test cases:
 * every vector must match Twisted in the realistic mode (with per-chunk attribution and
 * `final`), except the listed deviations, each of which must be one of Twisted's
 * chunk-dependent behaviours and must give Torsion's chunk-invariant result.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import {
  canonical,
  loadSuite,
  realisticExpectation,
  rechunk,
  replay,
  replaySends,
  unb64,
  vectorChunks,
  type FramingVector,
  type OracleEvent,
  type ReplayResult,
} from "./oracle-harness.js";
import { buildSubject } from "./oracle-subjects.js";
import { twistedLineModel, withoutExceededArguments } from "./twisted-line-model.js";

/**
 * The kinds of chunk-dependent Twisted behaviour (FORMAT.md §3.8) Torsion does not copy.
 * Both come from one rule: Twisted's LineOnlyReceiver counts the trailing bytes that
 * could begin the delimiter towards an unfinished line's length, so when a chunk ends
 * between `\r` and `\n` right after `MAX_LENGTH` bytes it rejects the line before it can
 * know whether the line is valid. Torsion does not count them, and decides once the next
 * byte arrives. No causal parser can match Twisted on both kinds at once: up to the
 * chunk in which Twisted gives up, the two kinds receive exactly the same bytes.
 */
export const DeviationReason = {
  /**
   * The line is valid (exactly `MAX_LENGTH` bytes, and the next chunk completes its
   * delimiter); Twisted rejects it (`lineLengthExceeded(line + "\r")`), Torsion delivers
   * it. Torsion's result is the same for the whole stream in one chunk.
   */
  validLineRejectedByTwisted: "valid-line-rejected-by-twisted",
  /**
   * Twisted rejects the same `MAX_LENGTH` bytes plus `\r`, in the same situation, but
   * the byte after them (never read in the realistic mode) does not complete the
   * delimiter, so the line really is too long. Torsion reports it when that byte
   * arrives, with Twisted's own rule for the argument at that moment; the lines before
   * and the report itself are the same for the whole stream in one chunk.
   */
  overlongDetectedAfterPartialDelimiter: "overlong-detected-after-partial-delimiter",
} as const;
export type DeviationReason = (typeof DeviationReason)[keyof typeof DeviationReason];

export interface SuiteOptions {
  /** Event type whose adjacent occurrences are merged when comparing chunkings (raw data). */
  readonly mergeType?: string;
}

/** Registers the node:test cases of one framing suite. */
export function runFramingSuite(suite: string, deviations: Readonly<Record<string, DeviationReason>>, options: SuiteOptions = {}): void {
  const vectors = loadSuite(suite);
  const ids = new Set(vectors.map((v) => v.id));
  describe(`Twisted oracle: ${suite}`, () => {
    it("lists only deviations that exist in the suite", () => {
      for (const id of Object.keys(deviations)) assert.ok(ids.has(id), `${id} is not a vector of ${suite}`);
    });
    if (suite === "line-receiver" || suite === "line-only-receiver") {
      it("the reference model of Twisted's parser reproduces every recorded vector", () => checkModel(vectors));
    }
    for (const vector of vectors) {
      const reason = deviations[vector.id];
      const title = `${vector.id} (${vector.category}, ${vector.chunking ?? "send"})`;
      if (vector.category === "send") it(`${title} writes what Twisted writes`, () => checkSends(vector));
      else if (reason === undefined) it(`${title} matches Twisted in realistic mode`, () => checkExact(vector));
      else it(`${title} deviates only toward the chunk-invariant result: ${reason}`, () => checkDeviation(vector, reason, options));
    }
    it("reports the pass and deviation counts", (t) => {
      const deviating = vectors.filter((v) => deviations[v.id] !== undefined).length;
      t.diagnostic(`${suite}: ${vectors.length - deviating} exact, ${deviating} listed deviations, ${vectors.length} total`);
      assert.ok(vectors.length > 0);
    });
  });
}

function checkSends(vector: FramingVector): void {
  const result = replaySends(buildSubject, vector);
  assert.deepEqual(result.events, vector.events);
  assert.deepEqual(result.ends, vector.sendEventEnds);
}

function checkExact(vector: FramingVector): void {
  const expected = realisticExpectation(vector);
  const result = replay(buildSubject, vector, vectorChunks(vector), { stopAfter: vector.disconnectChunk ?? null });
  assert.deepEqual(result.events, expected.events);
  assert.deepEqual(result.chunkEventEnds, expected.chunkEventEnds, "per-chunk attribution (chunkEventEnds)");
  if (vector.final === undefined) return;
  if (result.delivered === vector.chunks.length) assert.deepEqual(result.final, vector.final, "final state");
  else if (vector.final.brokenPeer !== undefined)
    assert.deepEqual(result.final, vector.final, "brokenPeer, which never resets, at the realistic stop");
}

function checkModel(vectors: readonly FramingVector[]): void {
  let checked = 0;
  for (const vector of vectors) {
    if (vector.category === "send") continue;
    const run = twistedLineModel(vector.config, vectorChunks(vector));
    assert.ok(run !== undefined);
    const expected = realisticExpectation(vector);
    assert.deepEqual(run.events, expected.events, vector.id);
    assert.deepEqual(run.chunkEventEnds, expected.chunkEventEnds, `${vector.id} chunkEventEnds`);
    checked += 1;
  }
  assert.ok(checked > 50, `only ${checked} vectors`);
}

/** Torsion's events up to its own first `loseConnection` (as a real transport stops reading). */
function ownRun(vector: FramingVector, chunks: readonly Buffer[]): ReplayResult {
  return replay(buildSubject, vector, chunks, { stopAtOwnClose: true });
}

function checkDeviation(vector: FramingVector, reason: DeviationReason, options: SuiteOptions): void {
  const expected = realisticExpectation(vector);
  const chunks = vectorChunks(vector);
  const exact = replay(buildSubject, vector, chunks, { stopAfter: vector.disconnectChunk ?? null });
  assert.ok(
    !(isDeepStrictEqual(exact.events, expected.events) && isDeepStrictEqual(exact.chunkEventEnds, expected.chunkEventEnds)),
    "listed as a deviation but matches Twisted exactly: remove it from the list",
  );
  const own = ownRun(vector, chunks);
  const model = twistedLineModel(vector.config, chunks, true);
  assert.ok(model !== undefined, "deviations exist only in the line suites");
  assert.deepEqual(own.events, model.events, "Twisted's rules except for the delimiter allowance");
  assert.deepEqual(own.chunkEventEnds, model.chunkEventEnds, "Twisted's timing except for the delimiter allowance");
  const whole = ownRun(vector, chunks.length === 0 ? [] : [Buffer.concat(chunks)]);
  const bytes = ownRun(vector, rechunk(chunks, 1));
  const { before, argument, rest, delimiter, max } = rejection(vector, expected.events, chunks);
  assert.deepEqual(own.events.slice(0, before.length), before, "the same events before Twisted's rejection");
  if (reason === DeviationReason.validLineRejectedByTwisted) {
    assert.ok(
      rest.subarray(0, delimiter.length - 1).equals(delimiter.subarray(1)),
      "the next bytes complete the delimiter: the line is valid",
    );
    assert.deepEqual(
      own.events[before.length],
      ["line", argument.subarray(0, max).toString("base64")],
      "Torsion delivers the MAX_LENGTH-byte line",
    );
    const reference = canonical(whole.canonical, options.mergeType);
    assert.deepEqual(canonical(own.canonical, options.mergeType), reference, "same result as the whole stream in one chunk");
    assert.deepEqual(canonical(bytes.canonical, options.mergeType), reference, "same result one byte at a time");
    return;
  }
  assert.ok(!rest.subarray(0, delimiter.length - 1).equals(delimiter.subarray(1)), "the delimiter does not complete: the line is too long");
  const report = own.events[before.length] as OracleEvent;
  assert.equal(report[0], "lineLengthExceeded");
  const mine = unb64(String(report[1]));
  assert.ok(
    mine.length > argument.length && mine.subarray(0, argument.length).equals(argument),
    "Torsion's argument extends Twisted's early one",
  );
  assert.ok(own.delivered > (vector.disconnectChunk ?? Infinity) + 1, "reported in a later chunk than Twisted");
  const reference = withoutExceededArguments(canonical(whole.canonical, options.mergeType));
  assert.deepEqual(withoutExceededArguments(canonical(own.canonical, options.mergeType)), reference, "same lines and report as one chunk");
  assert.deepEqual(
    withoutExceededArguments(canonical(bytes.canonical, options.mergeType)),
    reference,
    "same lines and report one byte at a time",
  );
}

/**
 * Splits Twisted's realistic events around its final rejection: the events before it,
 * the rejected bytes (`MAX_LENGTH` bytes and the delimiter's first byte), and the stream
 * bytes that follow the rejected ones (never read by Twisted in the realistic mode).
 */
function rejection(
  vector: FramingVector,
  twisted: readonly OracleEvent[],
  chunks: readonly Buffer[],
): { before: readonly OracleEvent[]; argument: Buffer; rest: Buffer; delimiter: Buffer; max: number } {
  const n = twisted.length;
  assert.deepEqual(twisted[n - 1], ["loseConnection"]);
  const exceeded = twisted[n - 2] as OracleEvent;
  assert.equal(exceeded[0], "lineLengthExceeded");
  const delimiter = unb64(vector.config.delimiter as string);
  const max = vector.config.MAX_LENGTH as number;
  const argument = unb64(String(exceeded[1]));
  assert.equal(argument.length, max + 1, "Twisted rejected MAX_LENGTH + 1 buffered bytes");
  assert.equal(argument[max], delimiter[0], "whose last byte starts the delimiter");
  const dc = vector.disconnectChunk ?? -1;
  const read = Buffer.concat(chunks.slice(0, dc + 1));
  assert.ok(read.subarray(read.length - argument.length).equals(argument), "the rejected bytes end the last chunk Twisted read");
  return { before: twisted.slice(0, n - 2), argument, rest: Buffer.concat(chunks.slice(dc + 1)), delimiter, max };
}
