/**
 * Memory for the `onread` fast path: one shared read scratch and carve-only slabs.
 *
 * Node's `onread` keeps pointing libuv at the last buffer it was given, between reads,
 * for as long as the socket lives. To keep an idle connection free of read memory, every
 * connection that reads small amounts points at ONE process-wide scratch
 * ({@link sharedScratch}); a read into it is copied out at once ({@link copyToSlab}), before
 * any other socket can read. Connections that read in bulk get a private region
 * ({@link carveRegion}) and receive views of it without a copy (see `adaptive-read-buffer.ts`).
 *
 * Ownership rule: bytes handed to a protocol (copies and views alike) come from slabs
 * that are only ever carved forward, so they are never written again; a protocol may
 * keep every buffer it is given. The only memory given back ({@link releaseRegion}) is an
 * untouched region tail no one references, and only when it is the newest carving.
 *
 * Slab retention: a slab is {@link SLAB_SIZE} bytes and stays alive while any view of it
 * does, so a protocol keeping a 1-byte buffer keeps its 256 KiB slab (shared with many
 * other reads) alive. Untouched slab pages cost no resident memory.
 */

/** Size of the shared scratch: the largest single read. */
export const SCRATCH_SIZE = 64 * 1024;
/** Size of a slab that copies and private regions are carved from. */
export const SLAB_SIZE = 256 * 1024;

let scratch: Buffer | null = null;
let slab: Buffer | null = null;
let slabOffset = 0;
let slabsAllocated = 0;

/**
 * The process-wide read scratch, created on first use. Whatever is read into it must be
 * copied out (or consumed) before the read callback returns.
 */
export function sharedScratch(): Buffer {
  if (scratch === null) scratch = Buffer.allocUnsafeSlow(SCRATCH_SIZE);
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

/** Copies the first `length` bytes of `source` into freshly carved memory and returns it. */
export function copyToSlab(source: Buffer, length: number): Buffer {
  const target = carveRegion(length);
  source.copy(target, 0, 0, length);
  return target;
}

/**
 * Gives back an untouched `region` the caller no longer references (nor does libuv).
 * It is reused only when it is the newest carving of the current slab; otherwise it is
 * left to the garbage collector with its slab. Returns whether it was reused.
 */
export function releaseRegion(region: Buffer): boolean {
  if (slab === null || region.buffer !== slab.buffer) return false;
  const end = region.byteOffset - slab.byteOffset + region.length;
  if (end !== slabOffset) return false;
  slabOffset -= region.length;
  return true;
}

/** Counters for tests and diagnostics. */
export interface SlabStats {
  /** Slabs allocated since the process started. */
  readonly slabsAllocated: number;
  /** Bytes carved from the current slab. */
  readonly slabOffset: number;
}

/** Returns the slab counters (for tests and diagnostics). */
export function slabStats(): SlabStats {
  return { slabsAllocated, slabOffset };
}
