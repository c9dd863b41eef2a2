import type { IListeningPort, IProtocol, IProtocolFactory } from "@torsion/core";
import type { Deferred } from "@torsion/defer";

/**
 * What the services need of a server endpoint: `listen(factory)` giving a Deferred of the
 * listening port (every `IStreamServerEndpoint` of `@torsion/endpoints` fits).
 */
export interface ListeningEndpoint {
  listen(factory: IProtocolFactory): Deferred<IListeningPort>;
}

/**
 * What `ClientService` needs of a client endpoint: `connect(factory)` giving a cancellable
 * Deferred of the connected protocol (every `IStreamClientEndpoint` fits).
 */
export interface ConnectingEndpoint {
  connect(factory: IProtocolFactory): Deferred<IProtocol>;
}
