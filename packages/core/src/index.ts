/**
 * `@torsion/core`: the contracts (`ITransport`, `IProtocol`, `IReactorTime`, ...), addresses,
 * the typed errors every implementation throws, `Protocol`/`Factory`, `DelayedCall` and the
 * tasks. The export list is explicit: a name not listed here is not public API.
 * @packageDocumentation
 */
export {
  ConnectionClosed,
  ConnectionDone,
  ConnectionLost,
  ConnectionAborted,
  ConnectError,
  ConnectionRefusedError,
  UserError,
  TimeoutError,
  TCPTimedOutError,
  DNSLookupError,
  NoRouteError,
  UnknownHostError,
  ConnectBindError,
  ConnectingCancelledError,
  BindError,
  CannotListenError,
  MessageLengthError,
  MulticastJoinError,
  AlreadyCalled,
  AlreadyCancelled,
  NotConnectingError,
  NotListeningError,
  ReactorNotRunning,
  ReactorAlreadyRunning,
  UnsupportedAddressFamily,
  InvalidAddressError,
  ProtocolLifecycleError,
  NotConnectedError,
  NotBytesError,
  assertBytes,
  DecodeError,
  getConnectError,
  ProducerAlreadyRegisteredError,
  ConnectorBusyError,
  AlreadyListeningError,
  AlreadyConnectedError,
  UnknownTriggerError,
  InvalidEventPhaseError,
  BadUNIXPathError,
} from "./errors.js";
export {
  ProcessDone,
  ProcessTerminated,
  ProcessSpawnError,
  ProcessExitedAlready,
  ChildFDError,
  waitStatus,
  type ProcessStatus,
} from "./process-errors.js";
export { IPv4Address, IPv6Address, UNIXAddress, ipAddress, type IAddress, type IPAddress, type IPAddressType } from "./address.js";
export type { IProducer, IPushProducer, IPullProducer } from "./interfaces/i-producer.js";
export type { IConsumer } from "./interfaces/i-consumer.js";
export type { ITransport } from "./interfaces/i-transport.js";
export type { IDecoder } from "./interfaces/i-decoder.js";
export {
  type IBufferedProtocol,
  type IBorrowingProtocol,
  isBufferedProtocol,
  borrowsReceivedData,
  feedBufferedProtocol,
  checkedBuffer,
} from "./interfaces/i-buffered-protocol.js";
export type { IService, IServiceCollection } from "./interfaces/i-service.js";
export type { ITCPTransport } from "./interfaces/i-tcp-transport.js";
export type { IUDPTransport, IMulticastTransport, DatagramAddress } from "./interfaces/i-udp-transport.js";
export { type IProtocol, type IHalfCloseableProtocol, type CallbackResult, isHalfCloseable } from "./interfaces/i-protocol.js";
export type { IProtocolFactory, IClientFactory } from "./interfaces/i-protocol-factory.js";
export { type IConnector, ConnectorState } from "./interfaces/i-connector.js";
export type { IListeningPort } from "./interfaces/i-listening-port.js";
export type { IReactorTime, IDelayedCall } from "./interfaces/i-reactor-time.js";
export type { IReactorCore, EventPhase, TriggerId } from "./interfaces/i-reactor-core.js";
export type { IReactorTCP, ListenTCPOptions, ConnectTCPOptions } from "./interfaces/i-reactor-tcp.js";
export type { IReactorUDP, IReactorMulticast, ListenUDPOptions, ListenMulticastOptions } from "./interfaces/i-reactor-udp.js";
export type { IReactorUNIX, ListenUNIXOptions, ConnectUNIXOptions } from "./interfaces/i-reactor-unix.js";
export type { IDatagramProtocol } from "./interfaces/i-datagram-protocol.js";
export type { ITransportHost, IShutdownResource, ResourceKind } from "./interfaces/i-transport-host.js";
export type { IStreamServerEndpoint } from "./interfaces/i-stream-server-endpoint.js";
export type { IStreamClientEndpoint, IProtocolFactoryOf } from "./interfaces/i-stream-client-endpoint.js";
export type {
  EndpointArguments,
  IStreamServerEndpointStringParser,
  IStreamClientEndpointStringParserWithReactor,
} from "./interfaces/i-endpoint-string-parser.js";
export type { IProcessTransport, ProcessSignal } from "./interfaces/i-process-transport.js";
export type { IProcessProtocol } from "./interfaces/i-process-protocol.js";
export type { IReactorProcess, SpawnProcessOptions, ChildFDs } from "./interfaces/i-reactor-process.js";
export type { ISSLTransport, IHandshakeListener } from "./interfaces/i-ssl-transport.js";
export type { ITLSTransport, StartTLSOptions } from "./interfaces/i-tls-transport.js";
export type { IReactorSSL, ListenSSLOptions, ConnectSSLOptions } from "./interfaces/i-reactor-ssl.js";
export { BaseProtocol, Protocol, endConnection, watchResult } from "./protocol.js";
export { DatagramProtocol } from "./datagram-protocol.js";
export { Factory, ServerFactory, type FactoryFits, type ProtocolFactoryOf } from "./factory.js";
export { ClientFactory } from "./client-factory.js";
export { DelayedCall, type DelayedCallScheduler } from "./delayed-call.js";
export { LoopingCall } from "./looping-call.js";
export { deferLater } from "./defer-later.js";
export { LoopingCallStateError } from "./task-errors.js";
export { TLSNotLoadedError } from "./tls-errors.js";
