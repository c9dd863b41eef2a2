/**
 * Memory for the `onread` fast path: one shared read scratch, copy pools sized to what is
 * copied, and carve-only slabs for the private regions of bulk readers.
 *
 * Node's `onread` keeps pointing libuv at the last buffer it was given, between reads,
 * for as long as the socket lives. To keep an idle connection free of read memory, every
 * connection that reads small amounts points at ONE process-wide scratch
 * ({@link sharedScratch}); a read into it is copied out at once ({@link copyOut}), before
 * any other socket can read. Connections that read in bulk get a private region
 * ({@link carveRegion}) and receive views of it without a copy (see `adaptive-read-buffer.ts`).
 *
 * **Ownership rule.** Bytes handed to a protocol (copies and views alike) are never
 * written again: copy pools and slabs are only ever carved forward. A protocol may keep
 * every buffer it is given.
 *
 * **What keeping costs (the retention bound).** A kept buffer keeps the whole
 * `ArrayBuffer` it is a view of alive, so no buffer handed out lies in memory more than
 * {@link RETENTION_BOUND} times its length, nor in less than {@link MIN_COPY_SLAB}:
 * - a copy of `n <= COPY_POOL_LIMIT` (4 KiB) bytes comes from a copy slab of
 *   `clamp(32 * nextPow2(n), 2 KiB, 128 KiB)` bytes shared only with copies of its size
 *   class (a kept 15-byte read keeps at most 2 KiB alive, a kept 1,000-byte read 32 KiB);
 * - a larger copy is an allocation of its own (exactly `n` bytes);
 * - a view of a private region is at least {@link LEND_LIMIT} (4 KiB) long and keeps at
 *   most its {@link SLAB_SIZE} (256 KiB) slab alive; shorter reads into a region are copied
 *   out and the region is read into again.
 * Hence keeping `N` bytes of received data in `K` buffers retains at most
 * `max(64 * N, K * 2 KiB)` bytes (plus the objects), whatever else passed through.
 * (Bigger copy slabs would mean fewer allocations but a weaker bound: at 32x one
 * `ArrayBuffer` allocation per 32 small reads costs ~250 instructions per read.)
 */

/** Size of the shared scratch: the largest single read. */
export const SCRATCH_SIZE = 64 * 1024;
/** Size of a slab that private regions are carved from. */
export const SLAB_SIZE = 256 * 1024;
/** The largest ratio of kept memory to kept bytes (for buffers of at least 32 bytes). */
export const RETENTION_BOUND = 64;
/** Reads this long or longer may be lent as views of a slab (a slab is at most 64 times that). */
export const LEND_LIMIT = SLAB_SIZE / RETENTION_BOUND;
/** A copy slab is this many times the (power-of-two rounded) size it holds. */
export const RETENTION_FACTOR = 32;
/** Smallest copy slab (the one that holds copies of up to 64 bytes). */
export const MIN_COPY_SLAB = 2048;
/** Copies up to this many bytes come from copy slabs; larger ones get their own allocation. */
export const COPY_POOL_LIMIT = 4 * 1024;

/** Size class of a copy of `n` (1..COPY_POOL_LIMIT) bytes: 0 for up to 64 bytes, +1 per doubling. */
function sizeClass(n: number): number {
  const log2 = 32 - Math.clz32(n - 1);
  return log2 <= 6 ? 0 : log2 - 6;
}

/** Copy slab size of each class: 2 KiB, 4 KiB, ... 128 KiB. */
const CLASS_SLAB: readonly number[] = Object.freeze(Array.from({ length: sizeClass(COPY_POOL_LIMIT) + 1 }, (_, k) => MIN_COPY_SLAB << k));

let scratch: Buffer | null = null;
let slab: Buffer | null = null;
let slabOffset = 0;
let slabsAllocated = 0;
const copySlabs: (Buffer | null)[] = CLASS_SLAB.map(() => null);
const copyOffsets: number[] = CLASS_SLAB.map(() => 0);
let copySlabsAllocated = 0;

/**
 * The process-wide read scratch, created on first use. Whatever is read into it must be
 * copied out (or consumed) before the read callback returns.
 */
export function sharedScratch(): Buffer {
  scratch ??= Buffer.allocUnsafeSlow(SCRATCH_SIZE);
  return scratch;
}

/**
 * Carves `size` fresh bytes (at most {@link SLAB_SIZE}) that no earlier carving overlaps.
 * A new slab is started when the current one has less than `size` bytes left.
 */
export function carveRegion(size: number): Buffer {
  if (slab === null || slabOffset + size > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    slabOffset = 0;
    slabsAllocated++;
  }
  const start = slabOffset;
  slabOffset += size;
  return slab.subarray(start, slabOffset);
}

/**
 * Copies the first `length` (> 0) bytes of `source` into fresh memory that no one else
 * writes and that keeps at most `max(MIN_COPY_SLAB, RETENTION_BOUND * length)` bytes alive (see the
 * module doc), and returns the copy.
 */
export function copyOut(source: Buffer, length: number): Buffer {
  let target: Buffer;
  if (length > COPY_POOL_LIMIT) target = Buffer.allocUnsafeSlow(length);
  else {
    const k = sizeClass(length);
    let pool = copySlabs[k] as Buffer | null;
    let offset = copyOffsets[k] as number;
    const size = CLASS_SLAB[k] as number;
    if (pool === null || offset + length > size) {
      pool = Buffer.allocUnsafeSlow(size);
      copySlabs[k] = pool;
      offset = 0;
      copySlabsAllocated++;
    }
    copyOffsets[k] = offset + length;
    target = pool.subarray(offset, offset + length);
  }
  source.copy(target, 0, 0, length);
  return target;
}

/** The size of the memory a copy of `length` bytes keeps alive (for tests and docs). */
export function copyFootprint(length: number): number {
  return length > COPY_POOL_LIMIT ? length : (CLASS_SLAB[sizeClass(length)] as number);
}

/**
 * Gives back an untouched `region` the caller no longer references (nor does libuv).
 * It is reused only when it is the newest carving of the current slab; otherwise it is
 * left to the garbage collector with its slab. Returns whether it was reused.
 */
export function releaseRegion(region: Buffer): boolean {
  if (slab?.buffer !== region.buffer) return false;
  const end = region.byteOffset - slab.byteOffset + region.length;
  if (end !== slabOffset) return false;
  slabOffset -= region.length;
  return true;
}

/** Counters for tests and diagnostics. */
export interface SlabStats {
  /** Region slabs allocated since the process started. */
  readonly slabsAllocated: number;
  /** Bytes carved from the current region slab. */
  readonly slabOffset: number;
  /** Copy slabs allocated since the process started (all size classes). */
  readonly copySlabsAllocated: number;
}

/** Returns the slab counters (for tests and diagnostics). */
export function slabStats(): SlabStats {
  return { slabsAllocated, slabOffset, copySlabsAllocated };
}
