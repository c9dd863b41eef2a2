import createDebug from "debug";
import type { Readable, Writable } from "node:stream";
import { Deferred, fail, succeed } from "@torsion/defer";
import {
  CannotListenError,
  type IAddress,
  type IListeningPort,
  type IProtocol,
  type IProtocolFactory,
  type IStreamServerEndpoint,
  type ITransport,
} from "@torsion/core";
import { StandardIONotAvailableError } from "./errors.js";

const debug = createDebug("torsion:endpoints:stdio");

/** Options of {@link StandardIOEndpoint}: where the connection reads and writes. */
export interface StandardIOEndpointOptions {
  /** Where input comes from. @default process.stdin */
  readonly stdin?: Readable;
  /** Where output goes. @default process.stdout */
  readonly stdout?: Writable;
  /** Where the provider is looked up. @default the process-wide slot */
  readonly slot?: StandardIOProviderSlot;
}

/** The transport of a connection a {@link IStandardIOProvider} made. */
export interface StandardIOConnection extends ITransport {
  /** Resolves once the protocol's `connectionLost` has been called (at once when it was). */
  whenClosed(): Promise<void>;
}

/**
 * The injection point through which a stdio implementation (`@torsion/process`, on
 * import) serves `StandardIOEndpoint`, so this package does no I/O: the endpoint looks the
 * provider up when it listens, and fails with `StandardIONotAvailableError` if none is
 * registered.
 */
export interface IStandardIOProvider {
  /** For messages, e.g. `"@torsion/process"`. */
  readonly name: string;
  /** The address both ends of a stdio connection report (Twisted's `PipeAddress()`). */
  pipeAddress(): IAddress;
  /**
   * Connects `protocol` to `stdin`/`stdout` (Twisted's `StandardIO(protocol, reactor=...)`):
   * `makeConnection` runs before it returns. Throws `CannotListenError` when the streams are
   * already in use by another open connection, or the reactor cannot host one.
   */
  connect(reactor: object, protocol: IProtocol, options: { readonly stdin?: Readable; readonly stdout?: Writable }): StandardIOConnection;
}

/** Where the stdio provider is kept. */
export interface StandardIOProviderSlot {
  standardIOProvider: IStandardIOProvider | null;
}

/** The process-wide slot that `StandardIOEndpoint` uses by default. */
export const globalStandardIOSlot: StandardIOProviderSlot = { standardIOProvider: null };

/**
 * Registers the stdio implementation (`@torsion/process` calls this when imported).
 * Replaces any previous one and returns it.
 */
export function registerStandardIOProvider(
  provider: IStandardIOProvider | null,
  slot: StandardIOProviderSlot = globalStandardIOSlot,
): IStandardIOProvider | null {
  const previous = slot.standardIOProvider;
  slot.standardIOProvider = provider;
  return previous;
}

/**
 * The "port" of a stdio connection: `stopListening()` closes the connection (flushing
 * stdout) and fires once `connectionLost` has run. Standard input cannot be opened again,
 * so `startListening()` after a stop throws `CannotListenError`.
 */
export class StandardIOPort implements IListeningPort {
  /** The connection's transport (Twisted's listen result is the `StandardIO` itself). */
  readonly transport: StandardIOConnection;
  readonly #address: IAddress;
  #stopped: Deferred<void> | null = null;

  constructor(transport: StandardIOConnection, address: IAddress) {
    this.transport = transport;
    this.#address = address;
  }

  /** A no-op while the connection is open; `CannotListenError` once it was stopped. */
  startListening(): void {
    if (this.#stopped !== null) throw new CannotListenError("", "stdio", "standard input cannot be opened again");
  }

  stopListening(): Deferred<void> {
    if (this.#stopped !== null) return this.#stopped;
    const stopped = new Deferred<void>();
    this.#stopped = stopped;
    this.transport.loseConnection();
    void this.transport.whenClosed().then(() => stopped.callback(undefined));
    return stopped;
  }

  getHost(): IAddress {
    return this.#address;
  }
}

/**
 * Twisted's `StandardIOEndpoint` (`stdio:`): `listen(factory)` builds one protocol with
 * `factory.buildProtocol(PipeAddress())` and runs it over this process's stdin and stdout.
 * The Deferred fires with a {@link StandardIOPort} once connected, or fails: with what
 * `buildProtocol` threw, `CannotListenError` when it returned null or stdin is already
 * in use, `StandardIONotAvailableError` when no provider (`@torsion/process`) is loaded.
 */
export class StandardIOEndpoint implements IStreamServerEndpoint {
  readonly reactor: object;
  readonly #options: StandardIOEndpointOptions;

  constructor(reactor: object, options: StandardIOEndpointOptions = {}) {
    this.reactor = reactor;
    this.#options = options;
  }

  listen(factory: IProtocolFactory): Deferred<StandardIOPort> {
    const provider = (this.#options.slot ?? globalStandardIOSlot).standardIOProvider;
    if (provider === null) return fail(new StandardIONotAvailableError());
    try {
      const address = provider.pipeAddress();
      const protocol = factory.buildProtocol(address);
      if (protocol === null) return fail(new CannotListenError("", "stdio", "the factory's buildProtocol returned null"));
      const transport = provider.connect(this.reactor, protocol, this.#options);
      debug("listening on stdio through %s", provider.name);
      return succeed(new StandardIOPort(transport, address));
    } catch (error) {
      return fail(error);
    }
  }
}
