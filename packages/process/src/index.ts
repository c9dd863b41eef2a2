export { spawnProcess, stdioFor, DEFAULT_CHILD_FDS } from "./spawn-process.js";
export { ProcessTransport } from "./process-transport.js";
export { ProcessProtocol } from "./process-protocol.js";
export { toNodeSignal, signalNumber } from "./signals.js";
export {
  PTYNotSupportedError,
  ChildFDError,
  ProducerAlreadyRegisteredError,
  UnexpectedErrorOutput,
  ProcessSignalledError,
} from "./errors.js";
