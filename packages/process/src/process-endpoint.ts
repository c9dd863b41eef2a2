import createDebug from "debug";
import { fail, succeed, type Deferred, type Failure } from "@torsion/defer";
import {
  ConnectError,
  type IAddress,
  type IProcessTransport,
  type IProducer,
  type IProtocol,
  type IProtocolFactoryOf,
  type IReactorProcess,
  type IStreamClientEndpoint,
  type ITransport,
  type SpawnProcessOptions,
} from "@torsion/core";
import { checkBytes, checkSequence } from "./bytes.js";
import { guardedCall } from "./guarded-call.js";
import { ProcessProtocol } from "./process-protocol.js";

const debug = createDebug("torsion:process:endpoint");

/**
 * The client-endpoint shape `ProcessEndpoint` implements: core's `IStreamClientEndpoint`.
 * @deprecated Use `IStreamClientEndpoint` from `@torsion/core`; kept as an alias.
 */
export type IProcessClientEndpoint = IStreamClientEndpoint;

/** The address of a process endpoint's ends (Twisted's `_ProcessAddress`). */
export class ProcessAddress implements IAddress {
  equals(other: unknown): boolean {
    return other instanceof ProcessAddress;
  }

  toString(): string {
    return "ProcessAddress()";
  }
}

/** Options of {@link ProcessEndpoint}: `spawnProcess`'s, plus what happens to stderr. */
export interface ProcessEndpointOptions extends Pick<SpawnProcessOptions, "env" | "path" | "uid" | "gid" | "onShutdown"> {
  /**
   * Twisted's `errFlag`: `"log"` logs the child's stderr (through the `debug` logger
   * `torsion:process:endpoint`), `"drop"` discards it.
   * @default "log"
   */
  readonly errFlag?: "log" | "drop";
}

/** A stream transport over a child's stdin (writes) and stdout (reads). */
class ProcessStreamTransport implements ITransport {
  readonly #process: IProcessTransport;

  constructor(process: IProcessTransport) {
    this.#process = process;
  }

  get disconnecting(): boolean {
    return this.#process.disconnecting;
  }

  write(data: Uint8Array): void {
    checkBytes(data);
    this.#process.write(data);
  }

  writeSequence(data: Iterable<Uint8Array>): void {
    this.#process.writeSequence(checkSequence(data));
  }

  loseConnection(): void {
    this.#process.loseConnection();
  }

  registerProducer(producer: IProducer, streaming: boolean): void {
    this.#process.registerProducer(producer, streaming);
  }

  unregisterProducer(): void {
    this.#process.unregisterProducer();
  }

  pauseProducing(): void {
    this.#process.pauseProducing();
  }

  resumeProducing(): void {
    this.#process.resumeProducing();
  }

  stopProducing(): void {
    this.#process.stopProducing();
  }

  getPeer(): IAddress {
    return new ProcessAddress();
  }

  getHost(): IAddress {
    return new ProcessAddress();
  }

  /** The process transport underneath (for `signalProcess`, `pid`). */
  get processTransport(): IProcessTransport {
    return this.#process;
  }
}

/** Adapts a stream protocol to a process (Twisted's `_WrapIProtocol`). */
class WrapProtocol extends ProcessProtocol {
  readonly #protocol: IProtocol;
  readonly #errFlag: "log" | "drop";
  readonly #report: (error: unknown, context: string) => void;

  constructor(protocol: IProtocol, errFlag: "log" | "drop", report: (error: unknown, context: string) => void) {
    super();
    this.#protocol = protocol;
    this.#errFlag = errFlag;
    this.#report = report;
  }

  override makeConnection(transport: IProcessTransport): void {
    void super.makeConnection(transport); // sets `transport`; this class has no connectionMade of its own
    this.#protocol.makeConnection(new ProcessStreamTransport(transport));
  }

  override outReceived(data: Buffer): void | PromiseLike<unknown> {
    return this.#protocol.dataReceived(data);
  }

  override errReceived(data: Buffer): void {
    if (this.#errFlag === "log") debug("stderr of the child: %s", data.toString("utf8").trimEnd());
  }

  override processEnded(reason: Failure): void {
    guardedCall(
      () => this.#protocol.connectionLost(reason),
      (error) => this.#report(error, "Unhandled error in protocol.connectionLost (process endpoint)"),
    );
  }
}

/**
 * Twisted's `ProcessEndpoint`: `connect(factory)` starts the child and connects the
 * factory's protocol to its stdin (writes) and stdout (`dataReceived`); the protocol's
 * `connectionLost` gets the process's end reason (`ProcessDone`, a `ConnectionDone`, or
 * `ProcessTerminated`/`ProcessSpawnError`). The Deferred fires with the protocol at once,
 * after its `connectionMade` ran (a failed exec shows up as
 * `connectionLost(ProcessSpawnError)`), or errbacks with `ConnectError` when the factory
 * returns no protocol (`@torsion/endpoints`' `NoProtocol` is not reachable from this
 * package), with what `buildProtocol` threw, or with the argument error of `spawnProcess`.
 * It is an `IStreamClientEndpoint`, so `connectProtocol` and `ClientService` take it;
 * there is nothing to cancel, since it never waits.
 */
export class ProcessEndpoint implements IStreamClientEndpoint {
  readonly #reactor: IReactorProcess & { reportError?(error: unknown, context: string): void };
  readonly #executable: string;
  readonly #args: readonly string[];
  readonly #options: ProcessEndpointOptions;

  /** @param args - the full argv (`args[0]` is argv[0]), as for `spawnProcess` */
  constructor(
    reactor: IReactorProcess & { reportError?(error: unknown, context: string): void },
    executable: string,
    args: readonly string[] = [executable],
    options: ProcessEndpointOptions = {},
  ) {
    this.#reactor = reactor;
    this.#executable = executable;
    this.#args = [...args];
    this.#options = options;
  }

  connect<P extends IProtocol>(factory: IProtocolFactoryOf<P>): Deferred<P> {
    let protocol: P | null;
    try {
      protocol = factory.buildProtocol(new ProcessAddress());
    } catch (error) {
      return fail(error);
    }
    if (protocol === null) return fail(new ConnectError("the factory built no protocol for the process"));
    const report = (error: unknown, context: string): void => {
      if (this.#reactor.reportError !== undefined) this.#reactor.reportError(error, context);
      else debug("%s: %s", context, String(error));
    };
    const { errFlag = "log", ...spawnOptions } = this.#options;
    try {
      this.#reactor.spawnProcess(new WrapProtocol(protocol, errFlag, report), this.#executable, this.#args, spawnOptions);
    } catch (error) {
      return fail(error);
    }
    return succeed(protocol);
  }
}
