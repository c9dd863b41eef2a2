/**
 * A FIFO queue on a circular array whose capacity is a power of two: `push` and `shift`
 * are O(1) without moving elements (an `Array.prototype.shift` moves them all, and a head
 * index into a growing array needs an occasional copy to give memory back). It grows by
 * doubling when full and shrinks back to its initial capacity when emptied after growing.
 * Internal to the package.
 */
export class RingQueue<T> {
  static readonly #INITIAL = 64;
  #items: (T | undefined)[] = new Array<T | undefined>(RingQueue.#INITIAL);
  #mask = RingQueue.#INITIAL - 1;
  #head = 0;
  #length = 0;

  /** How many elements are queued. */
  get length(): number {
    return this.#length;
  }

  /** The oldest element, or `undefined` when empty. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#items[this.#head];
  }

  /** Appends one element. */
  push(item: T): void {
    if (this.#length > this.#mask) this.#grow();
    this.#items[(this.#head + this.#length) & this.#mask] = item;
    this.#length += 1;
  }

  /** Removes and returns the oldest element, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const items = this.#items;
    const item = items[this.#head];
    items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length -= 1;
    if (this.#length === 0) {
      this.#head = 0;
      if (items.length > RingQueue.#INITIAL) this.#reset();
    }
    return item;
  }

  /** Removes and returns every element, oldest first. */
  drain(): T[] {
    const out = new Array<T>(this.#length);
    for (let i = 0; i < this.#length; i += 1) out[i] = this.#items[(this.#head + i) & this.#mask] as T;
    this.#reset();
    return out;
  }

  #reset(): void {
    this.#items = new Array<T | undefined>(RingQueue.#INITIAL);
    this.#mask = RingQueue.#INITIAL - 1;
    this.#head = 0;
    this.#length = 0;
  }

  #grow(): void {
    const old = this.#items;
    const size = old.length;
    const items = new Array<T | undefined>(size * 2);
    for (let i = 0; i < size; i += 1) items[i] = old[(this.#head + i) & this.#mask];
    this.#items = items;
    this.#mask = size * 2 - 1;
    this.#head = 0;
  }
}
