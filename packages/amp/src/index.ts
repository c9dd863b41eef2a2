export {
  AmpError,
  TooLong,
  BoxTooLargeError,
  InvalidKeyError,
  AmpProtocolError,
  InvalidSignature,
  MissingKeyError,
  BadValueError,
  BadLocalValueError,
  RemoteAmpError,
  UnknownRemoteError,
  UnhandledCommand,
  BadLocalReturn,
  ProtocolSwitched,
  OnlyOneTLS,
  TLSUnsupportedError,
  PeerVerifyError,
  ArgumentUnsupportedError,
  InvalidCommandError,
} from "./errors.js";
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
export {
  Integer,
  BigInteger,
  Bytes,
  Bytes as String,
  Unicode,
  BooleanArgument,
  BooleanArgument as Boolean,
  defineArgument,
  encodeUtf8,
  decodeUtf8,
  type Argument,
  type ArgumentOf,
  type ArgumentOptions,
  type OptionalFlag,
  type InOf,
  type OutOf,
  type Schema,
  type EmptySchema,
  type InputOf,
  type OutputOf,
} from "./argument.js";
export { Float } from "./python-float.js";
export { AmpDecimal, Decimal, type DecimalExponent } from "./amp-decimal.js";
export { AmpDateTime, DateTime, parseAmpDateTime, type AmpDateTimeFields } from "./amp-date-time.js";
export { Path, Descriptor } from "./path-and-descriptor.js";
export { ListOf, AmpList, encodeSchema, decodeSchema } from "./list-arguments.js";
export {
  Command,
  ProtocolSwitchCommand,
  StartTLS,
  type CommandDefinition,
  type CommandKind,
  type DeclaredError,
  type ErrorMap,
} from "./command.js";
export {
  AMP,
  UNKNOWN_ERROR_CODE,
  UNHANDLED_ERROR_CODE,
  RESPONDER_FAILED_CONTEXT,
  UNHANDLED_FAILURE_CONTEXT,
  type AMPOptions,
  type Awaitable,
  type BoxResponder,
  type IResponderLocator,
  type ISwitchFactory,
  type Responder,
  type SwitchResponder,
} from "./amp.js";
