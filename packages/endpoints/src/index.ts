export {
  EndpointDescriptionError,
  EndpointSyntaxError,
  UnknownEndpointTypeError,
  EndpointArgumentError,
  EndpointValueError,
  EndpointFileError,
  EndpointReactorError,
  NoProtocol,
  TLSNotAvailableError,
  StandardIONotAvailableError,
} from "./errors.js";
export { parseDescription, parseArguments, quoteStringArgument, type ParsedDescription } from "./description.js";
export {
  TCP4ServerEndpoint,
  TCP6ServerEndpoint,
  TCP4ClientEndpoint,
  TCP6ClientEndpoint,
  type BindAddress,
  type TCPServerEndpointOptions,
  type TCPClientEndpointOptions,
  type TCP6ClientEndpointOptions,
} from "./tcp-endpoints.js";
export {
  UNIXServerEndpoint,
  UNIXClientEndpoint,
  type UNIXServerEndpointOptions,
  type UNIXClientEndpointOptions,
} from "./unix-endpoints.js";
export { HostnameEndpoint, type HostnameEndpointOptions, type AttemptPolicy } from "./hostname-endpoint.js";
export { defaultResolver, type HostnameResolver, type ResolvedAddress, type ResolveOptions } from "./resolver.js";
export {
  SSL4ServerEndpoint,
  SSL4ClientEndpoint,
  TLSWrapperClientEndpoint,
  wrapClientTLS,
  type SSL4ServerEndpointOptions,
  type SSL4ClientEndpointOptions,
} from "./ssl-endpoints.js";
export {
  registerTLSProvider,
  globalTLSProviderSlot,
  type ITLSProvider,
  type ITLSWrapperProtocol,
  type TLSProviderSlot,
  type TLSContextFactory,
  type ServerTLSDescription,
  type ClientTLSDescription,
  type PEMFile,
} from "./tls-provider.js";
export {
  StandardIOEndpoint,
  StandardIOPort,
  registerStandardIOProvider,
  globalStandardIOSlot,
  type IStandardIOProvider,
  type StandardIOConnection,
  type StandardIOEndpointOptions,
  type StandardIOProviderSlot,
} from "./stdio-endpoint.js";
export { EndpointRegistry, EndpointPrefixInUseError, type AddParserOptions, type EndpointRegistryOptions } from "./registry.js";
export { addBuiltinParsers } from "./builtin-parsers.js";
export { serverFromString, clientFromString, defaultEndpointRegistry } from "./from-string.js";
export { connectProtocol } from "./connect-protocol.js";
