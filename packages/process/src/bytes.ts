/** Throws `TypeError` unless `data` is a `Uint8Array` (a `Buffer` is one). */
export function checkBytes(data: unknown): asserts data is Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(`Data must be a Uint8Array or Buffer, not ${data === null ? "null" : typeof data}`);
  }
}

/** Checks every element first, so that a bad element means nothing is written. */
export function checkSequence(data: Iterable<Uint8Array>): Uint8Array[] {
  if ((data as unknown) === null || typeof (data as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
    throw new TypeError("writeSequence needs an iterable of Uint8Array");
  }
  const chunks = [...data];
  for (const chunk of chunks) checkBytes(chunk);
  return chunks;
}
