export {
  StringTooLongError,
  NetstringParseError,
  NetstringParseReason,
  InvalidFramingOptionError,
  TransferStoppedError,
  TransferInProgressError,
  UnknownStateError,
} from "./errors.js";
export { ChunkQueue, asBuffer, view, viewMaker } from "./chunk-queue.js";
export { SMALL_FRAME_LIMIT, VIEW_BUFFER_LIMIT, copiesSmallFrames, copyFrame } from "./frame-memory.js";
export { FramingDriver, type FramingDriverOptions, type FramingOwner } from "./framing-driver.js";
export {
  LineDecoder,
  LineLengthRule,
  toDelimiter,
  checkMaxLength,
  type LineDecoderOptions,
  type LineDecoderEvent,
} from "./line-decoder.js";
export { LineDecoderSlot, type LineSettings, type LineSlotEvent, type LineSlotFrame } from "./line-decoder-slot.js";
export { LineReceiver, type LineReceiverOptions } from "./line-receiver.js";
export { LineOnlyReceiver } from "./line-only-receiver.js";
export { NetstringDecoder, type NetstringDecoderOptions, type NetstringDecoderEvent } from "./netstring-decoder.js";
export { NetstringReceiver, type NetstringReceiverOptions } from "./netstring-receiver.js";
export { IntPrefixDecoder, type PrefixLength, type IntPrefixDecoderOptions, type IntPrefixDecoderEvent } from "./int-prefix-decoder.js";
export {
  IntNStringReceiver,
  Int8StringReceiver,
  Int16StringReceiver,
  Int32StringReceiver,
  type IntNStringReceiverOptions,
} from "./int-n-string-receiver.js";
export {
  StatefulStringProtocol,
  dispatchStatefulString,
  DONE_STATE,
  type StatefulStringTarget,
  type StringReceiverClass,
} from "./stateful-string-protocol.js";
export { FileSender, bufferFileSource, type FileSource, type FileTransform } from "./file-sender.js";
export { fdFileSource } from "./fd-file-source.js";
