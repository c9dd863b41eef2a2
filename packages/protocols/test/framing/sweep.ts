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
