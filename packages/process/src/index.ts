import { registerStandardIOProvider } from "@torsion/endpoints";
import { standardIOProvider } from "./standard-io-provider.js";

export { spawnProcess, stdioFor, DEFAULT_CHILD_FDS } from "./spawn-process.js";
export { ProcessTransport } from "./process-transport.js";
export { ProcessProtocol } from "./process-protocol.js";
export { toNodeSignal, signalNumber } from "./signals.js";
export { PTYNotSupportedError, ProducerAlreadyRegisteredError, UnexpectedErrorOutput, ProcessSignalledError } from "./errors.js";
export {
  getProcessOutput,
  getProcessValue,
  getProcessOutputAndValue,
  type ProcessUtilsOptions,
  type GetProcessOutputOptions,
} from "./utils.js";
export { StandardIO, PipeAddress, type StandardIOOptions } from "./standard-io.js";
export { standardIOProvider } from "./standard-io-provider.js";
// eslint-disable-next-line @typescript-eslint/no-deprecated -- the deprecated alias stays exported until it is removed
export { ProcessEndpoint, ProcessAddress, type IProcessClientEndpoint, type ProcessEndpointOptions } from "./process-endpoint.js";

// Serve `stdio:` endpoints (StandardIOEndpoint), as @torsion/tls serves the TLS ones.
registerStandardIOProvider(standardIOProvider);
