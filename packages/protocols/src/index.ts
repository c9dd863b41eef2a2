/**
 * `@torsion/protocols`: the framing protocols (lines, netstrings, length prefixes, stateful
 * strings, file sending) on one framing driver, and the policies (timeouts, wrapping,
 * throttling, connection limits, traffic logging, reconnection, cooperative tasks).
 * The export list is explicit: a name not listed here is not public API (the decoder's
 * buffer helpers are in `@torsion/protocols/internal`).
 * @packageDocumentation
 */
export {
  StringTooLongError,
  NetstringParseError,
  NetstringParseReason,
  InvalidFramingOptionError,
  TransferStoppedError,
  TransferInProgressError,
  UnknownStateError,
} from "./framing/errors.js";
export { SMALL_FRAME_LIMIT } from "./framing/frame-memory.js";
export { FramingDriver, type FramingDriverOptions, type FramingOwner, type FramingResult } from "./framing/framing-driver.js";
export { LineDecoder, LineLengthRule, type LineDecoderOptions, type LineDecoderEvent } from "./framing/line-decoder.js";
export { LineReceiver, type LineReceiverOptions } from "./framing/line-receiver.js";
export { LineOnlyReceiver } from "./framing/line-only-receiver.js";
export { NetstringDecoder, type NetstringDecoderOptions, type NetstringDecoderEvent } from "./framing/netstring-decoder.js";
export { NetstringReceiver, type NetstringReceiverOptions } from "./framing/netstring-receiver.js";
export {
  IntPrefixDecoder,
  type PrefixLength,
  type IntPrefixDecoderOptions,
  type IntPrefixDecoderEvent,
} from "./framing/int-prefix-decoder.js";
export {
  IntNStringReceiver,
  Int8StringReceiver,
  Int16StringReceiver,
  Int32StringReceiver,
  type IntNStringReceiverOptions,
} from "./framing/int-n-string-receiver.js";
export {
  StatefulStringProtocol,
  DONE_STATE,
  type StatefulStringTarget,
  type StringReceiverClass,
} from "./framing/stateful-string-protocol.js";
export { FileSender, bufferFileSource, type FileSource, type FileTransform } from "./framing/file-sender.js";
export { fdFileSource } from "./framing/fd-file-source.js";
export {
  NoConnectorError,
  NoClockError,
  InvalidPolicyOptionError,
  UnsupportedTransportMethodError,
  SchedulerError,
  SchedulerStopped,
  TaskFinished,
  TaskDone,
  TaskStopped,
  TaskFailed,
  NotPaused,
} from "./policies/errors.js";
export { Timeout, type TimeoutOptions } from "./policies/timeout.js";
export { TimeoutFactory, TimeoutProtocol, type TimeoutFactoryOptions } from "./policies/timeout-factory.js";
export { ProtocolWrapper, type IWrapperRegistry } from "./policies/protocol-wrapper.js";
export { WrappingFactory } from "./policies/wrapping-factory.js";
export { ThrottlingFactory, ThrottlingProtocol, type ThrottlingOptions } from "./policies/throttling-factory.js";
export { LimitConnectionsByPeer, type LimitConnectionsByPeerOptions } from "./policies/limit-connections-by-peer.js";
export { LimitTotalConnectionsFactory, type LimitTotalConnectionsOptions } from "./policies/limit-total-connections-factory.js";
export {
  TrafficLoggingFactory,
  TrafficLoggingProtocol,
  fileTrafficLogOpener,
  type TrafficLog,
  type TrafficLogOpener,
  type TrafficLoggingOptions,
} from "./policies/traffic-logging-factory.js";
export { seededRandom, type RandomSource } from "./policies/seeded-random.js";
export { ReconnectingClientFactory, type ReconnectingClientFactoryOptions } from "./policies/reconnecting-client-factory.js";
export { CooperativeTask, type TaskIterator, type TaskCompletion, type TaskHost, type TaskControls } from "./policies/cooperative-task.js";
export {
  Cooperator,
  cooperate,
  coiterate,
  timeSlice,
  COOPERATOR_TICK_DELAY,
  type CooperatorOptions,
  type CooperatorScheduler,
  type TerminationPredicateFactory,
} from "./policies/cooperator.js";
export { ProxyFactory, ProxyServer, ProxyClient, ProxyProtocol } from "./portforward.js";
