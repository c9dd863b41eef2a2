/**
 * `@torsion/protocols/internal`: the building blocks behind the framing protocols (the
 * byte queue and its views, the frame-copy rule, the line-decoder slot, delimiter and
 * length helpers, the stateful-string dispatcher, the handler-result gatherer, peer keys, the traffic-log byte repr,
 * the seeded normal variate), exported for Torsion's own packages and tests.
 *
 * **Unstable:** anything here may change or disappear in any release, without notice.
 * Use the names in `@torsion/protocols` instead.
 * @packageDocumentation
 */
export { ChunkQueue, asBuffer, view, viewMaker } from "./framing/chunk-queue.js";
export { VIEW_BUFFER_LIMIT, copiesSmallFrames, copyFrame } from "./framing/frame-memory.js";
export { toDelimiter, checkMaxLength } from "./framing/line-decoder.js";
export { LineDecoderSlot, type LineSettings, type LineSlotEvent, type LineSlotFrame } from "./framing/line-decoder-slot.js";
export { dispatchStatefulString } from "./framing/stateful-string-protocol.js";
export { HandlerResults } from "./framing/handler-results.js";
export { peerHostKey } from "./policies/limit-connections-by-peer.js";
export { bytesRepr } from "./policies/traffic-logging-factory.js";
export { normalVariate } from "./policies/seeded-random.js";
