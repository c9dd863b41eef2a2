/**
 * The two entry points a transport package calls: they take any `ITransportHost` (the
 * reactor, or a test host), so a new transport needs no change to core or the reactor.
 */
import type { IAddress, IClientFactory, IProtocolFactory, ITransportHost } from "@torsion/core";
import type { StreamConnectorTarget, StreamPortBinding } from "./stream-binding.js";
import { StreamConnector, type StreamConnectorOptions } from "./stream-connector.js";
import { StreamPort, type StreamTuning } from "./stream-port.js";

/**
 * Listens with `binding` and returns the port; `factory.doStart()` has been called.
 * Throws what `binding.bind` throws (`CannotListenError`), synchronously.
 */
export function listenStream<A extends IAddress>(
  host: ITransportHost,
  factory: IProtocolFactory,
  binding: StreamPortBinding<A>,
  tuning: StreamTuning = {},
): StreamPort<A> {
  const port = new StreamPort<A>(host, factory, binding, tuningOf(tuning));
  port.startListening();
  return port;
}

/** Connects with `target` and returns the connector, its first attempt started. */
export function connectStream(
  host: ITransportHost,
  factory: IClientFactory,
  target: StreamConnectorTarget,
  options: StreamConnectorOptions = {},
): StreamConnector {
  const connector = new StreamConnector(host, factory, target, {
    ...tuningOf(options),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  });
  connector.connect();
  return connector;
}

/** Only the tuning fields of `options` (which may carry a transport's other options). */
function tuningOf(options: StreamTuning): StreamTuning {
  return {
    ...(options.fastPath === undefined ? {} : { fastPath: options.fastPath }),
    ...(options.fastAccept === undefined ? {} : { fastAccept: options.fastAccept }),
    ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }),
  };
}
