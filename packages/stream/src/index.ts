/**
 * `@torsion/stream`: the generic stream transport over `net.Socket` (`StreamTransport`,
 * `StreamPort`, `StreamConnector`) and the binding contract a transport (TCP, Unix, TLS)
 * supplies. The export list is explicit; the socket tricks and read-buffer pool are in
 * `@torsion/stream/internal`.
 * @packageDocumentation
 */
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
  withFactoryPrepare,
  type IStreamPreparingFactory,
  type StreamBinding,
  type StreamPortBinding,
  type StreamConnectorTarget,
  type SocketAddresses,
  type PrepareOutcome,
} from "./stream-binding.js";
export { listenStream, connectStream } from "./listen-stream.js";
export { DISABLE_FAST_PATH_ENV, type OnRead } from "./node-internals.js";
export { AlreadyListeningError, ConnectorBusyError, ProducerAlreadyRegisteredError, AcceptError } from "./errors.js";
export {
  AllocatorHint,
  allocatorHint,
  ALLOCATOR_HINT_SIZE,
  DISABLE_ALLOCATOR_HINT_ENV,
  type AllocatorHintOptions,
} from "./allocator-hint.js";
