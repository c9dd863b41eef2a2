/**
 * `@torsion/stream/internal`: the machinery under the stream transport (the fast accept and
 * read path over Node's undocumented socket internals, synchronous listen, the read-buffer
 * pool and read sizing, accept-failure accounting), exported for Torsion's transport
 * bindings and tests.
 *
 * **Unstable:** anything here may change or disappear in any release, without notice.
 * Use the names in `@torsion/stream` instead.
 * @packageDocumentation
 */
export { prepareOnce } from "./stream-binding.js";
export { AcceptFailures, ACCEPT_REPORT_INTERVAL, isAcceptError } from "./accept-failures.js";
export {
  fastAcceptSupported,
  interceptAccept,
  wrapHandle,
  rewrapAccepted,
  takeHandle,
  listenSync,
  type AcceptedHandle,
  type RewrapOptions,
  type ListenResult,
} from "./node-internals.js";
export {
  SCRATCH_SIZE,
  SLAB_SIZE,
  RETENTION_FACTOR,
  RETENTION_BOUND,
  LEND_LIMIT,
  MIN_COPY_SLAB,
  COPY_POOL_LIMIT,
  carveRegion,
  copyOut,
  copyFootprint,
  releaseRegion,
  sharedScratch,
  slabStats,
  type SlabStats,
} from "./read-buffer-pool.js";
export { ReadSizer, READ_SIZES, MAX_READ_SIZE, COPY_LIMIT, SHRINK_AFTER } from "./read-sizer.js";
export { AdaptiveReadBuffer } from "./adaptive-read-buffer.js";
