/** Test helper: the same stream at every chunk size must give the same result. */
import assert from "node:assert/strict";

/** Splits `stream` into fresh buffers of `size` bytes (the last may be shorter). */
export function chunksOf(stream: Uint8Array, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < stream.length; offset += size) out.push(Buffer.from(stream.subarray(offset, offset + size)));
  return out;
}

/**
 * Runs `run` on `stream` split at every chunk size from 1 byte to the stream length and
 * asserts that every result deep-equals the one-chunk result. Returns that result.
 */
export function assertSameAtEveryChunkSize<T>(stream: Uint8Array, run: (chunks: Buffer[]) => T): T {
  const reference = run([Buffer.from(stream)]);
  for (let size = 1; size < stream.length; size += 1) {
    assert.deepEqual(run(chunksOf(stream, size)), reference, `chunk size ${size}`);
  }
  return reference;
}

/** Set to `1` to sweep every chunk size of every oracle stream (slow; CI-nightly material). */
export const FULL_SWEEP_ENV = "TORSION_FULL_SWEEP";

/** Chunk sizes tried beyond 1–16 in the default sweep: powers of two, their neighbours, primes and the 16 KiB line limit. */
const SPREAD = [17, 19, 23, 31, 32, 33, 47, 64, 65, 100, 127, 128, 129, 257, 511, 1024, 4096, 16383, 16384, 16385];

/** Streams up to this length are swept at every size by the full sweep. */
const FULL_SWEEP_LENGTH = 2048;

/**
 * The chunk sizes a sweep of a `length`-byte stream tries, ascending, each below
 * `length` (the one-chunk run is the reference): 1–16, the spread above, `length - 1`,
 * and the sizes around each of `limits` (e.g. a decoder's `MAX_LENGTH`, where boundaries
 * matter). With `TORSION_FULL_SWEEP=1`: every size for streams up to 2 KiB, and every
 * size up to 256 besides the default ones for longer streams (every size of a 16 KiB
 * stream would take hours).
 */
export function sweepSizes(length: number, limits: readonly number[] = []): number[] {
  const full = process.env[FULL_SWEEP_ENV] === "1";
  if (full && length <= FULL_SWEEP_LENGTH) return Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
  const sizes = new Set<number>(Array.from({ length: full ? 256 : 16 }, (_, i) => i + 1));
  for (const size of SPREAD) sizes.add(size);
  sizes.add(length - 1);
  for (const limit of limits) for (const delta of [-1, 0, 1, 2]) sizes.add(limit + delta);
  return [...sizes].filter((size) => size >= 1 && size < length).sort((a, b) => a - b);
}
