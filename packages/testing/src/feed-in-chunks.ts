/** Anything with a `dataReceived` method (a stream protocol). */
export interface DataReceiver {
  dataReceived(data: Buffer): void;
}

/**
 * Delivers `bytes` to `protocol.dataReceived` in consecutive slices of `size` bytes (the
 * last may be shorter), each a fresh Buffer. Empty input makes no call. Use it to check
 * that a protocol gives the same result at every chunk size, from 1 byte up.
 *
 * @returns how many `dataReceived` calls were made
 * @throws RangeError when `size` is not a positive integer
 */
export function feedInChunks(protocol: DataReceiver, bytes: Uint8Array, size: number): number {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, not ${size}`);
  let calls = 0;
  for (let offset = 0; offset < bytes.length; offset += size) {
    protocol.dataReceived(Buffer.from(bytes.subarray(offset, offset + size)));
    calls++;
  }
  return calls;
}
