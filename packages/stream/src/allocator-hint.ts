/**
 * An opt-in, one-time hint to the C allocator (glibc `malloc`) for processes that read in
 * bulk. It is process-wide, so the library never gives it on its own: `NodeReactor` turns
 * it on ({@link AllocatorHint.enable}) unless created with `allocatorHint: false`, and the
 * hint is then given when a connection first reads in bulk.
 *
 * Why: every bulk read on the `onread` fast path goes into fresh memory (bytes handed to a
 * protocol are never written again, see `read-buffer-pool.ts`), carved from 256 KiB slabs
 * that the garbage collector frees in batches. With glibc's start-up settings a 256 KiB
 * block is served by `mmap` and given back by `munmap`, and heap memory freed in a batch is
 * given back with `brk` (trim threshold 128 KiB), so nearly every read lands on pages the
 * kernel must fault in and zero again. Measured (stream10x64k, interleaved medians of 8
 * runs): without the hint the server takes ~8,000 more page faults per 2-second run and
 * 10-20 % more CPU per 64 KiB chunk; 64 KiB slabs (below the mmap threshold) do not avoid
 * it, because the trim threshold still gives freed heap back.
 *
 * The hint: glibc raises its mmap threshold to the size of the largest `mmap`ed block freed
 * so far (up to 32 MiB), and its trim threshold to twice that. Allocating, untouched, and
 * dropping one {@link ALLOCATOR_HINT_SIZE} block moves both once, as any process that frees
 * one big buffer does: slabs then come from the heap and are reused from glibc's free
 * lists without page faults. Cost, for the whole process (the host application included):
 * the heap may keep up to twice {@link ALLOCATOR_HINT_SIZE} of freed memory resident
 * instead of returning it, and blocks below 8 MiB are no longer `mmap`ed; the block itself
 * takes no resident memory (it is never written). It has no effect (and does no harm) with
 * another allocator, or when `MALLOC_*` / `GLIBC_TUNABLES` settings fix the thresholds.
 * {@link DISABLE_ALLOCATOR_HINT_ENV}=1 turns it off whatever the reactor option says.
 *
 * Why 8 MiB (it was 16 MiB, then 4 MiB): server page faults per MB echoed on stream10x64k
 * were ~32 without the hint, ~32 with a 1 MiB block (glibc still trims the batches the
 * collector frees), ~17 with 4 MiB and ~14 with 16 MiB. Against the echo server of before
 * issue #8 (16 MiB), both bundled into one file so that only the code differs, in the
 * bench's own sequence (pp50x64, stream10x64k, churn10 in one server; two runs of 7 and 9
 * rounds, medians): 4 MiB cost 2-12 % more server CPU per chunk when streaming and peaked
 * at 119.6-125.1 MiB against 110.6-110.8; 8 MiB cost 0.4-2.3 % more CPU and peaked at
 * 111.9-115.5; 16 MiB streamed fastest but peaked at 137.9. So 8 MiB: streaming at par,
 * the same peak, and at most 16 MiB of freed heap kept resident instead of 32.
 */
import createDebug from "debug";

const debug = createDebug("torsion:stream:allocator-hint");

/** Size of the block allocated and dropped once (glibc then keeps blocks below it in the heap). */
export const ALLOCATOR_HINT_SIZE = 8 * 1024 * 1024;

/** Environment variable that, when set to `1`, disables the hint. */
export const DISABLE_ALLOCATOR_HINT_ENV = "TORSION_NO_ALLOCATOR_HINT";

/** Options of {@link AllocatorHint}. */
export interface AllocatorHintOptions {
  /** Allocates an uninitialised block of the given size. @default Buffer.allocUnsafeSlow */
  readonly allocate?: (size: number) => unknown;
  /** The environment read (at the first {@link AllocatorHint.apply}) for the opt-out. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Gives the allocator hint at most once per instance, and only once enabled (the process
 * uses {@link allocatorHint}, which `NodeReactor` enables by default).
 */
export class AllocatorHint {
  readonly #allocate: (size: number) => unknown;
  readonly #env: Readonly<Record<string, string | undefined>>;
  #done = false;
  #enabled = false;

  constructor(options: AllocatorHintOptions = {}) {
    this.#allocate = options.allocate ?? ((size) => Buffer.allocUnsafeSlow(size));
    this.#env = options.env ?? process.env;
  }

  /** Whether {@link apply} has run while enabled (whatever it decided). */
  get done(): boolean {
    return this.#done;
  }

  /** Whether {@link enable} was called: {@link apply} then gives the hint (once). */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Allows {@link apply} to give the hint. Idempotent; there is no way back once given. */
  enable(): void {
    this.#enabled = true;
  }

  /**
   * Allocates and drops one {@link ALLOCATOR_HINT_SIZE} block, unless not enabled, already
   * done, or disabled by {@link DISABLE_ALLOCATOR_HINT_ENV}. Call when a connection starts
   * reading in bulk; once done, every call returns at once. Returns whether it allocated now.
   */
  apply(): boolean {
    if (this.#done || !this.#enabled) return false;
    this.#done = true;
    if (this.#env[DISABLE_ALLOCATOR_HINT_ENV] === "1") {
      debug("allocator hint disabled by %s", DISABLE_ALLOCATOR_HINT_ENV);
      return false;
    }
    // Never written, so it costs no resident memory; freed by the next collection.
    this.#allocate(ALLOCATOR_HINT_SIZE);
    debug("allocator hint given (%d bytes)", ALLOCATOR_HINT_SIZE);
    return true;
  }
}

/** The process-wide hint: enabled by `NodeReactor` (option `allocatorHint`, default on), applied by the first connection that reads in bulk. */
export const allocatorHint: AllocatorHint = new AllocatorHint();
