/**
 * The read buffers of one connection on the `onread` fast path.
 *
 * Node calls the `onread.buffer` function once when the socket gets its handle and again
 * after every read callback, and keeps libuv pointed at the returned buffer until the
 * next read. This class answers it from a {@link ReadSizer} prediction:
 *
 * - Small or no reads (idle, ping-pong): the shared scratch; each read is copied out into
 *   slab memory, so an idle connection holds no read memory of its own.
 * - Bulk reads: a private region carved from a slab; each read of at least `LEND_LIMIT`
 *   (4 KiB) is handed out as a view without a copy, and the next read goes into the
 *   untouched rest of the region while at least half a region is left, else into a fresh
 *   region. A shorter read is copied out and the region is read into again, so no view
 *   keeps more than 64 times its size alive.
 *
 * Either way the bytes handed out are never written again (see `read-buffer-pool.ts`).
 * The first region of the largest size (a connection streaming) gives the process-wide
 * allocator hint once (see `allocator-hint.ts`), so the fresh memory comes without faults.
 */
import { LEND_LIMIT, carveRegion, copyOut, releaseRegion, sharedScratch } from "./read-buffer-pool.js";
import { MAX_READ_SIZE, ReadSizer } from "./read-sizer.js";
import { allocatorHint } from "./allocator-hint.js";

/** Carves a private region; a region of the largest size gives the allocator hint (once). */
function carve(size: number): Buffer {
  if (size >= MAX_READ_SIZE) allocatorHint.apply();
  return carveRegion(size);
}

/** Per-connection read buffers; one instance per socket, used only by that socket. */
export class AdaptiveReadBuffer {
  readonly #sizer = new ReadSizer();
  /** The private region libuv reads into next, or `null` for the shared scratch. */
  #region: Buffer | null = null;
  /** Whether Node asked for the buffer since the last read (it must, before each read). */
  #asked = false;
  /** Whether the last {@link borrow} lent a view of the region (until {@link giveBack}). */
  #lent = false;

  /** Bytes of private read memory this connection holds (0 when on the shared scratch). */
  get privateBytes(): number {
    return this.#region === null ? 0 : this.#region.length;
  }

  /** The policy's state, for tests and diagnostics. */
  get sizer(): ReadSizer {
    return this.#sizer;
  }

  /** The buffer the next read goes into (Node's `onread.buffer`). Allocates nothing. */
  next(): Buffer {
    this.#asked = true;
    return this.#region ?? sharedScratch();
  }

  /**
   * Takes a read of `bytesRead` (> 0) bytes into `buffer` (the last result of
   * {@link next}) and returns the bytes, which now belong to the caller. Prepares the
   * buffer {@link next} returns. Call once per read, before {@link next}.
   */
  take(bytesRead: number, buffer: Buffer): Buffer {
    const region = this.#region;
    // A view is lent only when the read went into the private region Node asked for after
    // the previous read, and is big enough that its slab is at most 64 times its size;
    // otherwise (shared scratch, a small read, or a runtime that kept an older buffer) the
    // bytes are copied out, which is always safe and leaves the region untouched.
    const lend = region !== null && buffer === region && this.#asked && bytesRead >= LEND_LIMIT;
    this.#asked = false;
    const data = lend ? buffer.subarray(0, bytesRead) : copyOut(buffer, bytesRead);
    this.#sizer.record(bytesRead, buffer.length);
    const size = this.#sizer.size;
    if (!lend) {
      if (region === null && size !== 0) this.#region = carve(size);
      else if (region !== null && size === 0) this.close();
      else if (region !== null && region.length < size) {
        releaseRegion(region);
        this.#region = carve(size);
      }
      return data;
    }
    const rest = buffer.subarray(bytesRead);
    if (size === 0) {
      releaseRegion(rest);
      this.#region = null;
    } else if (rest.length * 2 < size) {
      releaseRegion(rest);
      this.#region = carve(size);
    } else {
      this.#region = rest;
    }
    return data;
  }

  /**
   * The borrowing variant of {@link take}: a read into the private region is returned as a
   * view that is valid only until {@link giveBack}, whatever its size (the region is read
   * into again afterwards); any other read is copied out (owned). Call {@link giveBack}
   * once the protocol's callback has returned, before {@link next}.
   */
  borrow(bytesRead: number, buffer: Buffer): Buffer {
    const region = this.#region;
    const lend = region !== null && buffer === region && this.#asked;
    this.#asked = false;
    this.#lent = lend;
    this.#sizer.record(bytesRead, buffer.length);
    return lend ? buffer.subarray(0, bytesRead) : copyOut(buffer, bytesRead);
  }

  /**
   * Ends a {@link borrow}: with `pinned` (a queued write still references the lent view)
   * the region is left to that write and fresh memory is carved for the next read;
   * otherwise the region is read into again. Then resizes as the sizer says.
   */
  giveBack(pinned: boolean): void {
    if (this.#lent && pinned) this.#region = null;
    this.#lent = false;
    const size = this.#sizer.size;
    const region = this.#region;
    if (region === null) {
      if (size !== 0) this.#region = carve(size);
    } else if (size === 0) this.close();
    else if (region.length < size) {
      releaseRegion(region);
      this.#region = carve(size);
    }
  }

  /** Gives back the private region after the socket's last read (on close). Idempotent. */
  close(): void {
    if (this.#region !== null) releaseRegion(this.#region);
    this.#region = null;
  }
}
