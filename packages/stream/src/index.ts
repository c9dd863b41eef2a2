export { ProducerSlot, type ProducerSlotOwner } from "./producer-slot.js";
export {
  StreamTransport,
  CONNECTION_DONE,
  DEFAULT_HIGH_WATER_MARK,
  type StreamTransportOptions,
  type AttachOptions,
  type TransportLayer,
  type InterposedTransport,
  type TLSStarter,
} from "./stream-transport.js";
export type { TransportState, PendingState, OpenState, ClosingState, ClosedState } from "./transport-state.js";
export { StreamPort, type AcceptPath, type StreamTuning } from "./stream-port.js";
export { StreamConnector, type StreamConnectorOptions } from "./stream-connector.js";
export {
  prepareOnce,
  withFactoryPrepare,
  type IStreamPreparingFactory,
  type StreamBinding,
  type StreamPortBinding,
  type StreamConnectorTarget,
  type SocketAddresses,
  type PrepareOutcome,
} from "./stream-binding.js";
export { listenStream, connectStream } from "./listen-stream.js";
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
  DISABLE_FAST_PATH_ENV,
  type OnRead,
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
export * from "./errors.js";
export {
  AllocatorHint,
  allocatorHint,
  ALLOCATOR_HINT_SIZE,
  DISABLE_ALLOCATOR_HINT_ENV,
  type AllocatorHintOptions,
} from "./allocator-hint.js";
