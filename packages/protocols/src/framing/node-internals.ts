/**
 * The one undocumented Node.js detail the framing code relies on, kept here so that
 * `test/architecture.test.ts` can confine such tricks to files named `node-internals.ts`.
 *
 * `Buffer[Symbol.species]` is Node's internal `FastBuffer` class (what
 * `Buffer.from(arrayBuffer, offset, length)` builds). Constructing it directly makes a
 * zero-copy view faster than `subarray`, which goes through the species lookup. When the
 * class is not reachable or does not behave as expected, `BufferView` is `null` and the
 * callers fall back to `subarray`.
 */

/** A constructor of `Buffer` views over an `ArrayBuffer` range. */
export type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer;

/** Node's internal Buffer class (what `Buffer.from(arrayBuffer, ...)` builds), when reachable. */
export const BufferView: ViewConstructor | null = (() => {
  const species = (Buffer as unknown as { readonly [Symbol.species]?: unknown })[Symbol.species];
  if (typeof species !== "function") return null;
  try {
    const probe = new (species as ViewConstructor)(new ArrayBuffer(2), 1, 1);
    return Buffer.isBuffer(probe) && probe.byteOffset === 1 && probe.length === 1 ? (species as ViewConstructor) : null;
  } catch {
    return null;
  }
})();
