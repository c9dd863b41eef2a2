import { BadLocalValueError, InvalidKeyError, TooLong } from "./errors.js";

/** The longest key a box may hold, in bytes. */
export const MAX_KEY_LENGTH = 255;
/** The longest value a box may hold, in bytes. */
export const MAX_VALUE_LENGTH = 65535;

/** A box key: ASCII text, or bytes. */
export type BoxKey = string | Uint8Array;

const NON_ASCII = /[\x80-\uffff]/;

/** Converts a key to the latin1 string of its bytes (the form keys are stored in). */
export function keyString(key: BoxKey): string {
  if (typeof key === "string") {
    if (NON_ASCII.test(key)) throw new InvalidKeyError(`a text key must be ASCII, got ${JSON.stringify(key)}`);
    return key;
  }
  if (!(key instanceof Uint8Array)) throw new InvalidKeyError(`a key must be a string or bytes, got ${typeof key}`);
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("latin1");
}

function asBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * One AMP box: an ordered map from byte-string keys to byte-string values (Twisted's
 * `AmpBox`). Keys are kept as latin1 strings of their bytes (so `"_command"` is the key
 * `_command`, and any byte is representable); values are `Buffer`s.
 *
 * Iteration order is insertion order (a repeated `set` keeps the first position, as a
 * `Map` does); {@link serialize} writes pairs in bytewise-sorted key order, as Twisted does.
 */
export class AmpBox {
  readonly #map = new Map<string, Buffer>();

  constructor(entries?: Iterable<readonly [BoxKey, Uint8Array]> | Readonly<Record<string, Uint8Array>>) {
    if (entries === undefined) return;
    const list = Symbol.iterator in entries ? entries : Object.entries(entries);
    for (const [key, value] of list) this.set(key, value);
  }

  /** Number of keys. */
  get size(): number {
    return this.#map.size;
  }

  /**
   * Sets `key` to `value`. A text key must be ASCII; a value must be bytes (a string
   * value is refused, as Twisted refuses `str` values).
   * @throws InvalidKeyError for a non-ASCII text key
   * @throws BadLocalValueError when `value` is not a `Uint8Array`
   */
  set(key: BoxKey, value: Uint8Array): this {
    if (!(value instanceof Uint8Array)) {
      throw new BadLocalValueError("AmpBox", `a value must be bytes (Uint8Array), got ${typeof value}`);
    }
    this.#map.set(keyString(key), asBuffer(value));
    return this;
  }

  /**
   * Sets the key whose bytes are the latin1 encoding of `key` (any byte 0..255): the form
   * {@link keys} returns. No check is made beyond the value type.
   */
  setLatin1Key(key: string, value: Buffer): this {
    this.#map.set(key, value);
    return this;
  }

  /** The value of `key`, or `undefined`. */
  get(key: BoxKey): Buffer | undefined {
    return this.#map.get(typeof key === "string" ? key : keyString(key));
  }

  /** The value of `key` as latin1 text (bytes 0..255 map to U+0000..U+00FF), or `undefined`. */
  getString(key: BoxKey): string | undefined {
    return this.get(key)?.toString("latin1");
  }

  has(key: BoxKey): boolean {
    return this.#map.has(typeof key === "string" ? key : keyString(key));
  }

  delete(key: BoxKey): boolean {
    return this.#map.delete(typeof key === "string" ? key : keyString(key));
  }

  /** Keys (latin1 strings of their bytes), in insertion order. */
  keys(): IterableIterator<string> {
    return this.#map.keys();
  }

  /** `[key, value]` pairs in insertion order. */
  entries(): IterableIterator<[string, Buffer]> {
    return this.#map.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, Buffer]> {
    return this.#map.entries();
  }

  /** A shallow copy. */
  copy(): AmpBox {
    const box = new AmpBox();
    for (const [key, value] of this.#map) box.#map.set(key, value);
    return box;
  }

  /**
   * The wire form: for each pair in bytewise-sorted key order a 2-byte big-endian key
   * length, the key, a 2-byte value length and the value; then `00 00`. One buffer.
   * @throws TooLong (`isLocal` true) for the first over-long key or value in sorted order
   * @throws InvalidKeyError for an empty key (Twisted would send it, but the reader takes
   *   `00 00` as the end of the box, so Torsion refuses it)
   */
  serialize(): Buffer {
    const keys = [...this.#map.keys()].sort();
    let total = 2;
    for (const key of keys) {
      const value = this.#map.get(key) as Buffer;
      if (key.length > MAX_KEY_LENGTH) throw new TooLong(true, true, null, key.length);
      if (key.length === 0) throw new InvalidKeyError("an empty key cannot be sent: the peer would read it as the end of the box");
      if (value.length > MAX_VALUE_LENGTH) throw new TooLong(false, true, key, value.length);
      total += 4 + key.length + value.length;
    }
    const out = Buffer.allocUnsafe(total);
    let pos = 0;
    for (const key of keys) {
      const value = this.#map.get(key) as Buffer;
      out.writeUInt16BE(key.length, pos);
      out.write(key, pos + 2, "latin1");
      pos += 2 + key.length;
      out.writeUInt16BE(value.length, pos);
      value.copy(out, pos + 2);
      pos += 2 + value.length;
    }
    out.writeUInt16BE(0, pos);
    return out;
  }

  /** A readable form for logs: `AmpBox({key: value, ...})` with values as latin1, truncated. */
  toString(): string {
    const parts: string[] = [];
    for (const [key, value] of this.#map) {
      const text = value.length > 40 ? `${value.subarray(0, 40).toString("latin1")}...` : value.toString("latin1");
      parts.push(`${JSON.stringify(key)}: ${JSON.stringify(text)}`);
    }
    return `AmpBox({${parts.join(", ")}})`;
  }
}
