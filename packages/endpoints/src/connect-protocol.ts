import type { Deferred } from "@torsion/defer";
import type { IAddress, IProtocol, IProtocolFactoryOf, IStreamClientEndpoint } from "@torsion/core";

/**
 * Connects an existing protocol instance through `endpoint` (Twisted's
 * `connectProtocol`): the factory given to `connect` returns `protocol` for the (one)
 * connection. The Deferred fires with `protocol` once its `connectionMade` ran.
 */
export function connectProtocol<P extends IProtocol>(endpoint: IStreamClientEndpoint, protocol: P): Deferred<P> {
  const oneShot: IProtocolFactoryOf<P> = {
    buildProtocol(addr: IAddress): P {
      return protocol;
    },
    doStart(): void {},
    doStop(): void {},
  };
  return endpoint.connect(oneShot);
}
