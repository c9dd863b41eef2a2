export { ProducerStateError, DeferredResultError, PumpLimitError, NoPendingConnectionError, NoListeningPortError } from "./errors.js";
export { Clock } from "./clock.js";
export { FakeTransportHost, type FakeTransportHostOptions, type ReportedError } from "./fake-transport-host.js";
export { StringTransport, StringTransportWithDisconnection, ProducerState, type StringTransportOptions } from "./string-transport.js";
export { AccumulatingProtocol, AccumulatingFactory } from "./accumulating-protocol.js";
export { FakeListeningPort } from "./fake-listening-port.js";
export { FakeConnector } from "./fake-connector.js";
export { FakeDatagramTransport, type FakeDatagramTransportOptions } from "./fake-datagram-transport.js";
export {
  MemoryReactor,
  MemoryReactorClock,
  type TCPServerRecord,
  type TCPClientRecord,
  type SSLServerRecord,
  type SSLClientRecord,
  type UDPPortRecord,
  type UNIXServerRecord,
  type UNIXClientRecord,
} from "./memory-reactor.js";
export type { TriggerRecord } from "./system-event-triggers.js";
export { FakeProcessTransport, type FakeProcessTransportOptions, type FakeExit, type ProcessRecord } from "./fake-process-transport.js";
export { ConnectionCompleter } from "./connection-completer.js";
export { connectPending, acceptConnection, type PendingConnection } from "./memory-connections.js";
export { FakeTransport, type FakeTransportOptions, type WriteShutdown } from "./fake-transport.js";
export { IOPump, type IOPumpOptions } from "./io-pump.js";
export {
  connectedServerAndClient,
  type ConnectedServerAndClient,
  type ConnectedServerAndClientOptions,
  type ProtocolBuilder,
} from "./connected-server-and-client.js";
export { successResultOf, failureResultOf, assertNoResult } from "./deferred-assertions.js";
export { feedInChunks, type DataReceiver } from "./feed-in-chunks.js";
export { pumpUntil, pumpIdle, type PumpUntilOptions } from "./tls-in-memory.js";
