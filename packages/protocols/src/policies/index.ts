export * from "./errors.js";
export { Timeout, type TimeoutOptions } from "./timeout.js";
export { TimeoutFactory, TimeoutProtocol, type TimeoutFactoryOptions } from "./timeout-factory.js";
export { ProtocolWrapper, type IWrapperRegistry } from "./protocol-wrapper.js";
export { WrappingFactory } from "./wrapping-factory.js";
export { ThrottlingFactory, ThrottlingProtocol, type ThrottlingOptions } from "./throttling-factory.js";
export { LimitConnectionsByPeer, peerHostKey, type LimitConnectionsByPeerOptions } from "./limit-connections-by-peer.js";
export { LimitTotalConnectionsFactory, type LimitTotalConnectionsOptions } from "./limit-total-connections-factory.js";
export {
  TrafficLoggingFactory,
  TrafficLoggingProtocol,
  fileTrafficLogOpener,
  bytesRepr,
  type TrafficLog,
  type TrafficLogOpener,
  type TrafficLoggingOptions,
} from "./traffic-logging-factory.js";
export { seededRandom, normalVariate, type RandomSource } from "./seeded-random.js";
export { ReconnectingClientFactory, type ReconnectingClientFactoryOptions } from "./reconnecting-client-factory.js";
export { CooperativeTask, type TaskIterator, type TaskCompletion, type TaskHost, type TaskControls } from "./cooperative-task.js";
export {
  Cooperator,
  cooperate,
  coiterate,
  timeSlice,
  COOPERATOR_TICK_DELAY,
  type CooperatorOptions,
  type CooperatorScheduler,
  type TerminationPredicateFactory,
} from "./cooperator.js";
