export * from "./errors.js";
export { AmpBox, MAX_KEY_LENGTH, MAX_VALUE_LENGTH, keyString, type BoxKey } from "./amp-box.js";
export { BinaryBoxDecoder, type BinaryBoxDecoderOptions, type BinaryBoxState } from "./binary-box-decoder.js";
export {
  BinaryBoxProtocol,
  BAD_INPUT_CONTEXT,
  canStartTLS,
  type BinaryBoxProtocolOptions,
  type IStartTLSTransport,
  type ISwitchClientFactory,
} from "./binary-box-protocol.js";
