import type { Deferred } from "@torsion/defer";
import type {
  IListeningPort,
  IProtocol,
  IProtocolFactory,
  IProtocolFactoryOf,
  IReactorUNIX,
  IStreamClientEndpoint,
  IStreamServerEndpoint,
} from "@torsion/core";
import { listenWhenBound } from "./listen-when-bound.js";
import { connectWrapped } from "./wrapping-factory.js";

/** Options of {@link UNIXServerEndpoint}. */
export interface UNIXServerEndpointOptions {
  /** @default 50 */
  readonly backlog?: number;
  /** File mode of the socket file. @default 0o666 */
  readonly mode?: number;
  /** Keep a `<path>.lock` file with this process's PID and reclaim stale sockets. @default false */
  readonly wantPID?: boolean;
}

/** Options of {@link UNIXClientEndpoint}. */
export interface UNIXClientEndpointOptions {
  /** @default 30 */
  readonly timeout?: number;
  /** Refuse to connect unless the lock file names a live process. @default false */
  readonly checkPID?: boolean;
}

/** Listens on a Unix socket path (Twisted's `UNIXServerEndpoint`). */
export class UNIXServerEndpoint implements IStreamServerEndpoint {
  readonly reactor: IReactorUNIX;
  readonly address: string;
  readonly backlog: number;
  readonly mode: number;
  readonly wantPID: boolean;

  constructor(reactor: IReactorUNIX, address: string, options: UNIXServerEndpointOptions = {}) {
    this.reactor = reactor;
    this.address = address;
    this.backlog = options.backlog ?? 50;
    this.mode = options.mode ?? 0o666;
    this.wantPID = options.wantPID ?? false;
  }

  /**
   * `reactor.listenUNIX(address, factory, {backlog, mode, wantPID})`, firing once bound
   * (see `listenWhenBound`); a `CannotListenError` fails the Deferred.
   */
  listen(factory: IProtocolFactory): Deferred<IListeningPort> {
    const options = { backlog: this.backlog, mode: this.mode, wantPID: this.wantPID };
    return listenWhenBound(() => this.reactor.listenUNIX(this.address, factory, options), ["", this.address]);
  }
}

/** Connects to a Unix socket path (Twisted's `UNIXClientEndpoint`). */
export class UNIXClientEndpoint implements IStreamClientEndpoint {
  readonly reactor: IReactorUNIX;
  readonly path: string;
  readonly timeout: number;
  readonly checkPID: boolean;

  constructor(reactor: IReactorUNIX, path: string, options: UNIXClientEndpointOptions = {}) {
    this.reactor = reactor;
    this.path = path;
    this.timeout = options.timeout ?? 30;
    this.checkPID = options.checkPID ?? false;
  }

  connect<P extends IProtocol>(factory: IProtocolFactoryOf<P>): Deferred<P> {
    return connectWrapped(factory, (wrapping) =>
      this.reactor.connectUNIX(this.path, wrapping, { timeout: this.timeout, checkPID: this.checkPID }),
    );
  }
}
