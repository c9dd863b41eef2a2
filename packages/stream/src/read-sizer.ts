/**
 * The read-size policy of the `onread` fast path, in the spirit of Netty's
 * AdaptiveRecvByteBufAllocator: it predicts how big the next read buffer of one
 * connection should be from the sizes of its recent reads. Pure: no I/O, no memory.
 *
 * Level 0 means "no private memory": the connection reads into the shared scratch and
 * every read is copied out (cheap for small reads). A read of {@link COPY_LIMIT} bytes or
 * more moves the connection to a private region big enough for twice that read; a read
 * that fills its region grows the next one (up to {@link MAX_READ_SIZE}); after
 * {@link SHRINK_AFTER} consecutive reads below half the region the next one shrinks by a
 * level, down to level 0 again.
 */

/** Private region sizes by level; level 0 (size 0) is the shared scratch. */
export const READ_SIZES: readonly number[] = Object.freeze([0, 8 * 1024, 16 * 1024, 32 * 1024, 64 * 1024]);
/** Largest private region (and largest read). */
export const MAX_READ_SIZE = 64 * 1024;
/** A read this big or bigger, in shared mode, moves the connection to a private region. */
export const COPY_LIMIT = 4 * 1024;
/** Consecutive small reads after which the region shrinks by one level. */
export const SHRINK_AFTER = 4;

const TOP = READ_SIZES.length - 1;

/** The lowest private level whose size is at least `bytes` (the top level if none). */
function levelFor(bytes: number): number {
  for (let level = 1; level < TOP; level++) if ((READ_SIZES[level] as number) >= bytes) return level;
  return TOP;
}

/**
 * Per-connection read-size predictor. Call {@link ReadSizer.record} once per read (in
 * order, before asking for the next buffer); read {@link ReadSizer.size} to size it.
 */
export class ReadSizer {
  #level = 0;
  #smallReads = 0;

  /** Size of the next private region, or 0 for the shared scratch. */
  get size(): number {
    return READ_SIZES[this.#level] as number;
  }

  /** Current level (0 = shared scratch), for tests and diagnostics. */
  get level(): number {
    return this.#level;
  }

  /**
   * Records a read of `bytesRead` bytes (> 0) into a buffer of `capacity` bytes and
   * updates the prediction. No allocation.
   */
  record(bytesRead: number, capacity: number): void {
    const level = this.#level;
    if (level === 0) {
      if (bytesRead >= COPY_LIMIT) this.#level = levelFor(bytesRead * 2);
      return;
    }
    const size = READ_SIZES[level] as number;
    if (bytesRead >= capacity || bytesRead >= size) {
      this.#smallReads = 0;
      this.#level = Math.max(level + 1 > TOP ? TOP : level + 1, levelFor(bytesRead * 2));
      return;
    }
    if (bytesRead * 2 >= size) {
      this.#smallReads = 0;
      return;
    }
    if (++this.#smallReads >= SHRINK_AFTER) {
      this.#smallReads = 0;
      this.#level = level - 1;
    }
  }
}
