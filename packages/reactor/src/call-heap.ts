import type { DelayedCall } from "@torsion/core";

/** Whether `a` runs before `b`: earlier `time` first, ties broken by scheduling order. */
function runsBefore(a: DelayedCall, b: DelayedCall): boolean {
  return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
}

/**
 * A binary min-heap of pending {@link DelayedCall}s ordered by `time`, then by `sequence`
 * (so calls due at the same time run in the order they were scheduled). It remembers each
 * call's position, so removing a cancelled call or moving a call earlier costs O(log n)
 * and the heap never holds dead entries.
 *
 * Only `time` matters here: a call's lazy `delayedTime` is applied by the timer queue when
 * the call reaches the top.
 */
export class CallHeap {
  readonly #items: DelayedCall[] = [];
  readonly #positions = new Map<DelayedCall, number>();

  /** How many calls the heap holds. */
  get size(): number {
    return this.#items.length;
  }

  /** The call that runs first, or `undefined` when empty. */
  peek(): DelayedCall | undefined {
    return this.#items[0];
  }

  /** Whether `call` is in the heap. */
  has(call: DelayedCall): boolean {
    return this.#positions.has(call);
  }

  /** Adds `call`; adding a call that is already present only repositions it. */
  push(call: DelayedCall): void {
    if (this.#positions.has(call)) {
      this.update(call);
      return;
    }
    this.#items.push(call);
    this.#positions.set(call, this.#items.length - 1);
    this.#siftUp(this.#items.length - 1);
  }

  /** Removes and returns the call that runs first, or `undefined` when empty. */
  pop(): DelayedCall | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.#removeAt(0);
    return top;
  }

  /** Removes `call`; returns whether it was present. */
  remove(call: DelayedCall): boolean {
    const index = this.#positions.get(call);
    if (index === undefined) return false;
    this.#removeAt(index);
    return true;
  }

  /** Restores the order after `call.time` changed in either direction. No-op if absent. */
  update(call: DelayedCall): void {
    const index = this.#positions.get(call);
    if (index === undefined) return;
    this.#siftDown(this.#siftUp(index));
  }

  /** The calls in heap order (not sorted); a copy. */
  toArray(): DelayedCall[] {
    return [...this.#items];
  }

  #removeAt(index: number): void {
    const removed = this.#items[index] as DelayedCall;
    const last = this.#items.pop() as DelayedCall;
    this.#positions.delete(removed);
    if (index === this.#items.length) return;
    this.#place(last, index);
    this.#siftDown(this.#siftUp(index));
  }

  #place(call: DelayedCall, index: number): void {
    this.#items[index] = call;
    this.#positions.set(call, index);
  }

  /** Moves the item at `index` up while it runs before its parent; returns its final index. */
  #siftUp(index: number): number {
    const call = this.#items[index] as DelayedCall;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = this.#items[parentIndex] as DelayedCall;
      if (!runsBefore(call, parent)) break;
      this.#place(parent, index);
      index = parentIndex;
    }
    this.#place(call, index);
    return index;
  }

  #siftDown(index: number): void {
    const call = this.#items[index] as DelayedCall;
    const length = this.#items.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && runsBefore(this.#items[right] as DelayedCall, this.#items[left] as DelayedCall)) child = right;
      const childCall = this.#items[child] as DelayedCall;
      if (!runsBefore(childCall, call)) break;
      this.#place(childCall, index);
      index = child;
    }
    this.#place(call, index);
  }
}
