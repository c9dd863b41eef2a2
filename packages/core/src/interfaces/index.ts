export type { IProducer, IPushProducer, IPullProducer } from "./i-producer.js";
export type { IConsumer } from "./i-consumer.js";
export type { ITransport } from "./i-transport.js";
export type { IDecoder } from "./i-decoder.js";
export type { IService, IServiceCollection } from "./i-service.js";
export type { ITCPTransport } from "./i-tcp-transport.js";
export type { IUDPTransport, IMulticastTransport, DatagramAddress } from "./i-udp-transport.js";
export { type IProtocol, type IHalfCloseableProtocol, type CallbackResult, isHalfCloseable } from "./i-protocol.js";
export {
  type IBufferedProtocol,
  type IBorrowingProtocol,
  isBufferedProtocol,
  borrowsReceivedData,
  feedBufferedProtocol,
  checkedBuffer,
} from "./i-buffered-protocol.js";
export type { IProtocolFactory, IClientFactory } from "./i-protocol-factory.js";
export { type IConnector, ConnectorState } from "./i-connector.js";
export type { IListeningPort } from "./i-listening-port.js";
export type { IReactorTime, IDelayedCall } from "./i-reactor-time.js";
export type { IReactorCore, EventPhase, TriggerId } from "./i-reactor-core.js";
export type { IReactorTCP, ListenTCPOptions, ConnectTCPOptions } from "./i-reactor-tcp.js";
export type { IReactorUDP, IReactorMulticast, ListenUDPOptions, ListenMulticastOptions } from "./i-reactor-udp.js";
export type { IReactorUNIX, ListenUNIXOptions, ConnectUNIXOptions } from "./i-reactor-unix.js";
export type { IDatagramProtocol } from "./i-datagram-protocol.js";
export type { ITransportHost, IShutdownResource, ResourceKind } from "./i-transport-host.js";
export type { IStreamServerEndpoint } from "./i-stream-server-endpoint.js";
export type { IStreamClientEndpoint, IProtocolFactoryOf } from "./i-stream-client-endpoint.js";
export type {
  EndpointArguments,
  IStreamServerEndpointStringParser,
  IStreamClientEndpointStringParserWithReactor,
} from "./i-endpoint-string-parser.js";
export type { IProcessTransport, ProcessSignal } from "./i-process-transport.js";
export type { IProcessProtocol } from "./i-process-protocol.js";
export type { IReactorProcess, SpawnProcessOptions, ChildFDs } from "./i-reactor-process.js";
export type { ISSLTransport, IHandshakeListener } from "./i-ssl-transport.js";
export type { ITLSTransport, StartTLSOptions } from "./i-tls-transport.js";
export type { IReactorSSL, ListenSSLOptions, ConnectSSLOptions } from "./i-reactor-ssl.js";
