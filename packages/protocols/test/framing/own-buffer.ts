/**
 * A Buffer with an `ArrayBuffer` of its own, exactly its size. `Buffer.from(string)` puts
 * short buffers in Node's shared 8 KiB pool, whose small frames the decoders copy out (see
 * `frame-memory.ts`); tests about zero-copy views use buffers like a transport's own reads.
 */
export function ownBuffer(content: string | readonly number[]): Buffer {
  const source = typeof content === "string" ? Buffer.from(content) : Buffer.from(content);
  const own = Buffer.from(new ArrayBuffer(source.length));
  source.copy(own);
  return own;
}
