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

/** A box this size or bigger looks keys up through a `Map` (smaller ones scan their few keys). */
const INDEX_AT = 12;
/** Slots per pair in {@link AmpBox}'s flat storage: key, source, start, end. */
const STRIDE = 4;

/** Internal (decoder): sets `key` to the bytes `source[start, end)` without making a view of them yet. */
export let setRange: (box: AmpBox, key: string, source: Buffer, start: number, end: number) => void;
/**
 * Internal (argument decoding): `decode(source, start, end)` on the bytes of `key`, or
 * `undefined` when the box has no such key (no `Buffer` is made for a value read this way).
 */
export let decodeRange: <T>(box: AmpBox, key: string, decode: (source: Buffer, start: number, end: number) => T) => T | undefined;

/**
 * One AMP box: an ordered map from byte-string keys to byte-string values (Twisted's
 * `AmpBox`). Keys are kept as latin1 strings of their bytes (so `"_command"` is the key
 * `_command`, and any byte is representable); values are `Buffer`s.
 *
 * Iteration order is insertion order (a repeated `set` keeps the first position, as a
 * `Map` does); {@link serialize} writes pairs in bytewise-sorted key order, as Twisted does.
 *
 * A box made by the decoder holds its values as ranges of the received bytes: the `Buffer`
 * view of a value is made the first time it is asked for (the same bytes, never a copy).
 */
export class AmpBox {
  /**
   * The pairs, flat: key, source, start, end. The value is `source[start, end)`; `start`
   * is -1 when `source` is the value itself (set with {@link set}, or already viewed).
   */
  #slots: (string | Buffer | number)[] = [];
  /** Key to slot index, once the box has {@link INDEX_AT} keys. */
  #index: Map<string, number> | null = null;

  static {
    setRange = (box, key, source, start, end) => box.#put(key, source, start, end);
    decodeRange = <T>(box: AmpBox, key: string, decode: (source: Buffer, start: number, end: number) => T): T | undefined => {
      const slot = box.#find(key);
      if (slot < 0) return undefined;
      const slots = box.#slots;
      const source = slots[slot + 1] as Buffer;
      const start = slots[slot + 2] as number;
      return start < 0 ? decode(source, 0, source.length) : decode(source, start, slots[slot + 3] as number);
    };
  }

  constructor(entries?: Iterable<readonly [BoxKey, Uint8Array]> | Readonly<Record<string, Uint8Array>>) {
    if (entries === undefined) return;
    const list = Symbol.iterator in entries ? entries : Object.entries(entries);
    for (const [key, value] of list) this.set(key, value);
  }

  /** Number of keys. */
  get size(): number {
    return this.#slots.length / STRIDE;
  }

  #find(key: string): number {
    if (this.#index !== null) return this.#index.get(key) ?? -1;
    const slots = this.#slots;
    for (let slot = 0; slot < slots.length; slot += STRIDE) if (slots[slot] === key) return slot;
    return -1;
  }

  #put(key: string, source: Buffer, start: number, end: number): void {
    const slots = this.#slots;
    const slot = this.#find(key);
    if (slot >= 0) {
      slots[slot + 1] = source;
      slots[slot + 2] = start;
      slots[slot + 3] = end;
      return;
    }
    const at = slots.length;
    slots.push(key, source, start, end);
    if (this.#index !== null) this.#index.set(key, at);
    else if (at === (INDEX_AT - 1) * STRIDE) this.#reindex();
  }

  #reindex(): void {
    const slots = this.#slots;
    if (slots.length < INDEX_AT * STRIDE) {
      this.#index = null;
      return;
    }
    const index = new Map<string, number>();
    for (let slot = 0; slot < slots.length; slot += STRIDE) index.set(slots[slot] as string, slot);
    this.#index = index;
  }

  /** The value in `slot`, as a `Buffer` (made once, then kept). */
  #valueAt(slot: number): Buffer {
    const slots = this.#slots;
    const source = slots[slot + 1] as Buffer;
    const start = slots[slot + 2] as number;
    if (start < 0) return source;
    const value = source.subarray(start, slots[slot + 3] as number);
    slots[slot + 1] = value;
    slots[slot + 2] = -1;
    return value;
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
    this.#put(keyString(key), asBuffer(value), -1, 0);
    return this;
  }

  /**
   * Sets the key whose bytes are the latin1 encoding of `key` (any byte 0..255): the form
   * {@link keys} returns. No check is made beyond the value type.
   */
  setLatin1Key(key: string, value: Buffer): this {
    this.#put(key, value, -1, 0);
    return this;
  }

  /** The value of `key`, or `undefined`. */
  get(key: BoxKey): Buffer | undefined {
    const slot = this.#find(typeof key === "string" ? key : keyString(key));
    return slot < 0 ? undefined : this.#valueAt(slot);
  }

  /** The value of `key` as latin1 text (bytes 0..255 map to U+0000..U+00FF), or `undefined`. */
  getString(key: BoxKey): string | undefined {
    const slot = this.#find(typeof key === "string" ? key : keyString(key));
    if (slot < 0) return undefined;
    const slots = this.#slots;
    const source = slots[slot + 1] as Buffer;
    const start = slots[slot + 2] as number;
    return start < 0 ? source.toString("latin1") : source.toString("latin1", start, slots[slot + 3] as number);
  }

  /** True when the box holds `key`. */
  has(key: BoxKey): boolean {
    return this.#find(typeof key === "string" ? key : keyString(key)) >= 0;
  }

  /** Removes `key`; true when it was there. */
  delete(key: BoxKey): boolean {
    const slot = this.#find(typeof key === "string" ? key : keyString(key));
    if (slot < 0) return false;
    this.#slots.splice(slot, STRIDE);
    if (this.#index !== null) this.#reindex();
    return true;
  }

  /** Keys (latin1 strings of their bytes), in insertion order. */
  *keys(): IterableIterator<string> {
    // A snapshot: deleting or adding keys while iterating does not disturb the iteration.
    const slots = this.#slots.slice();
    for (let slot = 0; slot < slots.length; slot += STRIDE) yield slots[slot] as string;
  }

  /** `[key, value]` pairs in insertion order. */
  *entries(): IterableIterator<[string, Buffer]> {
    const keys = [...this.keys()];
    for (const key of keys) {
      const slot = this.#find(key);
      if (slot >= 0) yield [key, this.#valueAt(slot)];
    }
  }

  /** The same as {@link entries}. */
  [Symbol.iterator](): IterableIterator<[string, Buffer]> {
    return this.entries();
  }

  /** A shallow copy. */
  copy(): AmpBox {
    const box = new AmpBox();
    box.#slots = this.#slots.slice();
    if (this.#index !== null) box.#index = new Map(this.#index);
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
    const slots = this.#slots;
    const order: number[] = [];
    for (let slot = 0; slot < slots.length; slot += STRIDE) order.push(slot);
    order.sort((x, y) => {
      const a = slots[x] as string;
      const b = slots[y] as string;
      return a < b ? -1 : a > b ? 1 : 0;
    });
    let total = 2;
    for (const slot of order) {
      const key = slots[slot] as string;
      const length = this.#lengthAt(slot);
      if (key.length > MAX_KEY_LENGTH) throw new TooLong(true, true, null, key.length);
      if (key.length === 0) throw new InvalidKeyError("an empty key cannot be sent: the peer would read it as the end of the box");
      if (length > MAX_VALUE_LENGTH) throw new TooLong(false, true, key, length);
      total += 4 + key.length + length;
    }
    const out = Buffer.allocUnsafe(total);
    let pos = 0;
    for (const slot of order) {
      const key = slots[slot] as string;
      out.writeUInt16BE(key.length, pos);
      out.write(key, pos + 2, "latin1");
      pos += 2 + key.length;
      const source = slots[slot + 1] as Buffer;
      const start = slots[slot + 2] as number;
      const length = this.#lengthAt(slot);
      out.writeUInt16BE(length, pos);
      if (start < 0) source.copy(out, pos + 2);
      else source.copy(out, pos + 2, start, start + length);
      pos += 2 + length;
    }
    out.writeUInt16BE(0, pos);
    return out;
  }

  #lengthAt(slot: number): number {
    const slots = this.#slots;
    const start = slots[slot + 2] as number;
    return start < 0 ? (slots[slot + 1] as Buffer).length : (slots[slot + 3] as number) - start;
  }

  /** A readable form for logs: `AmpBox({key: value, ...})` with values as latin1, truncated. */
  toString(): string {
    const parts: string[] = [];
    for (const [key, value] of this.entries()) {
      const text = value.length > 40 ? `${value.subarray(0, 40).toString("latin1")}...` : value.toString("latin1");
      parts.push(`${JSON.stringify(key)}: ${JSON.stringify(text)}`);
    }
    return `AmpBox({${parts.join(", ")}})`;
  }
}
