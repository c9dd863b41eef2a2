/**
 * The table of calls waiting for their answers, by tag number (see `AMP`).
 *
 * Tags are a counter, so a table indexed by `tag & mask` finds a call without hashing,
 * and a slot is cleared the moment its call is answered. A `Map` would do the same job,
 * but a `Map` that is constantly added to and deleted from rebuilds its backing table
 * every few dozen calls; the table it leaves behind (in old space once the connection has
 * lived a while) still points at the calls that were waiting, so the young objects of
 * those calls (Deferreds, callbacks, decoded answers) survive the next scavenges and are
 * promoted: with 100 calls in flight that was most of what every scavenge copied. Here
 * the slots are reused in place and cleared on removal.
 *
 * Two calls whose tags share a slot cannot both wait: the table then doubles (a call
 * waiting while `capacity` later calls were made). Tags are below 2^53, so the mask is
 * applied to the low 30 bits.
 */
const INITIAL_CAPACITY = 64;
const LOW_BITS = 0x3fffffff;

export class CallTable<T, C> {
  /** Per slot: the tag (-1 when free), the value and its companion (two arrays: no object per call). */
  #tags: number[];
  #values: (T | undefined)[];
  #companions: (C | undefined)[];
  /** The companion of the value the last {@link take} returned. */
  #taken: C | undefined = undefined;
  #mask: number;
  #size = 0;

  constructor() {
    this.#tags = new Array<number>(INITIAL_CAPACITY).fill(-1);
    this.#values = new Array<T | undefined>(INITIAL_CAPACITY).fill(undefined);
    this.#companions = new Array<C | undefined>(INITIAL_CAPACITY).fill(undefined);
    this.#mask = INITIAL_CAPACITY - 1;
  }

  /** How many calls are waiting. */
  get size(): number {
    return this.#size;
  }

  /** Adds the call of `tag` (a tag not in the table, >= 0) with its companion. */
  set(tag: number, value: T, companion: C): void {
    for (;;) {
      const slot = (tag % (LOW_BITS + 1)) & this.#mask;
      if (this.#tags[slot] === -1) {
        this.#tags[slot] = tag;
        this.#values[slot] = value;
        this.#companions[slot] = companion;
        this.#size += 1;
        return;
      }
      this.#grow();
    }
  }

  /**
   * Removes and returns the call of `tag`, or `undefined` when it is not waiting; its
   * companion is then {@link takenCompanion}.
   */
  take(tag: number): T | undefined {
    const slot = (tag % (LOW_BITS + 1)) & this.#mask;
    if (this.#tags[slot] !== tag) return undefined;
    const value = this.#values[slot];
    this.#taken = this.#companions[slot];
    this.#tags[slot] = -1;
    this.#values[slot] = undefined;
    this.#companions[slot] = undefined;
    this.#size -= 1;
    return value;
  }

  /** The companion of the value the last {@link take} returned (read it right after). */
  get takenCompanion(): C {
    return this.#taken as C;
  }

  /** The waiting tags, in ascending order (the order the calls were made). */
  tags(): number[] {
    return this.#tags.filter((tag) => tag >= 0).sort((x, y) => x - y);
  }

  /** Removes every call; returns `[value, companion]` pairs in ascending tag order. */
  clear(): [T, C][] {
    return this.tags().map((tag) => [this.take(tag) as T, this.#taken as C]);
  }

  #grow(): void {
    const tags = this.#tags;
    const values = this.#values;
    const companions = this.#companions;
    const capacity = tags.length * 2;
    this.#tags = new Array<number>(capacity).fill(-1);
    this.#values = new Array<T | undefined>(capacity).fill(undefined);
    this.#companions = new Array<C | undefined>(capacity).fill(undefined);
    this.#mask = capacity - 1;
    this.#size = 0;
    for (let slot = 0; slot < tags.length; slot += 1) {
      const tag = tags[slot] as number;
      if (tag >= 0) this.set(tag, values[slot] as T, companions[slot] as C);
    }
  }
}
