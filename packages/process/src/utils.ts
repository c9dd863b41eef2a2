import { Deferred, Failure } from "@torsion/defer";
import { ProcessSpawnError, ProcessTerminated, type IReactorProcess, type SpawnProcessOptions } from "@torsion/core";
import { ProcessSignalledError, UnexpectedErrorOutput } from "./errors.js";
import { ProcessProtocol } from "./process-protocol.js";

/**
 * Options of the `twisted.internet.utils` helpers. Unlike `spawnProcess`, their `args` do
 * **not** include argv[0] (Twisted passes `(executable,) + args`).
 */
export interface ProcessUtilsOptions {
  /** As `SpawnProcessOptions.env`. @default "inherit" */
  readonly env?: SpawnProcessOptions["env"];
  /** The working directory. */
  readonly path?: string;
}

/** Options of {@link getProcessOutput}. */
export interface GetProcessOutputOptions extends ProcessUtilsOptions {
  /**
   * Collect stderr into the output too, instead of failing on the first stderr byte.
   * @default false
   */
  readonly errortoo?: boolean;
}

function spawnFor(
  reactor: IReactorProcess,
  protocol: ProcessProtocol,
  executable: string,
  args: readonly string[],
  options: ProcessUtilsOptions,
  fail: (error: unknown) => void,
): void {
  try {
    reactor.spawnProcess(protocol, executable, [executable, ...args], {
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.path === undefined ? {} : { path: options.path }),
    });
  } catch (error) {
    fail(error);
  }
}

class OutputCollector extends ProcessProtocol {
  readonly #chunks: Buffer[] = [];
  readonly #errortoo: boolean;
  #deferred: Deferred<Buffer> | null;
  #onEnded: Deferred<never> | null = null;

  constructor(deferred: Deferred<Buffer>, errortoo: boolean) {
    super();
    this.#deferred = deferred;
    this.#errortoo = errortoo;
  }

  override outReceived(data: Buffer): void {
    this.#chunks.push(data);
  }

  override errReceived(data: Buffer): void {
    if (this.#errortoo) {
      this.#chunks.push(data);
      return;
    }
    const deferred = this.#deferred;
    if (deferred === null) return;
    this.#deferred = null;
    this.#onEnded = new Deferred<never>();
    deferred.errback(new UnexpectedErrorOutput(data, this.#onEnded));
    this.transport?.loseConnection(); // set: output arrives only after makeConnection
  }

  override processEnded(reason: Failure): void {
    const deferred = this.#deferred;
    this.#deferred = null;
    if (deferred !== null) {
      if (reason.value instanceof ProcessSpawnError) deferred.errback(reason);
      else deferred.callback(Buffer.concat(this.#chunks));
    } else if (this.#onEnded !== null) {
      this.#onEnded.errback(reason);
    }
  }
}

/**
 * Runs `executable` with `args` and fires with everything it wrote to stdout, **whatever
 * its exit code** (as in Twisted). Anything on stderr errbacks at once with
 * {@link UnexpectedErrorOutput} and closes the pipes, unless `errortoo` is set (stderr is
 * then part of the output). A child that cannot start errbacks with `ProcessSpawnError`
 * (Twisted would see a traceback on stderr).
 */
export function getProcessOutput(
  reactor: IReactorProcess,
  executable: string,
  args: readonly string[] = [],
  options: GetProcessOutputOptions = {},
): Deferred<Buffer> {
  const deferred = new Deferred<Buffer>();
  spawnFor(reactor, new OutputCollector(deferred, options.errortoo ?? false), executable, args, options, (error) =>
    deferred.errback(error),
  );
  return deferred;
}

class ValueGetter extends ProcessProtocol {
  readonly #deferred: Deferred<number | null>;

  constructor(deferred: Deferred<number | null>) {
    super();
    this.#deferred = deferred;
  }

  override processEnded(reason: Failure): void {
    if (reason.value instanceof ProcessSpawnError) {
      this.#deferred.errback(reason);
      return;
    }
    const value = reason.value as Partial<ProcessTerminated>;
    this.#deferred.callback(value.exitCode ?? null);
  }
}

/**
 * Runs `executable` with `args` (output discarded) and fires with its exit code; `null`
 * when a signal ended it (as Twisted's `None`). A child that cannot start errbacks with
 * `ProcessSpawnError`.
 */
export function getProcessValue(
  reactor: IReactorProcess,
  executable: string,
  args: readonly string[] = [],
  options: ProcessUtilsOptions = {},
): Deferred<number | null> {
  const deferred = new Deferred<number | null>();
  spawnFor(reactor, new ValueGetter(deferred), executable, args, options, (error) => deferred.errback(error));
  return deferred;
}

class EverythingGetter extends ProcessProtocol {
  readonly #out: Buffer[] = [];
  readonly #err: Buffer[] = [];
  readonly #deferred: Deferred<[out: Buffer, err: Buffer, exitCode: number]>;

  constructor(deferred: Deferred<[out: Buffer, err: Buffer, exitCode: number]>) {
    super();
    this.#deferred = deferred;
  }

  override outReceived(data: Buffer): void {
    this.#out.push(data);
  }

  override errReceived(data: Buffer): void {
    this.#err.push(data);
  }

  override processEnded(reason: Failure): void {
    const value = reason.value;
    if (value instanceof ProcessSpawnError) {
      this.#deferred.errback(reason);
      return;
    }
    const out = Buffer.concat(this.#out);
    const err = Buffer.concat(this.#err);
    const terminated = value as Partial<ProcessTerminated>;
    if (typeof terminated.signal === "number") this.#deferred.errback(new ProcessSignalledError(out, err, terminated.signal));
    else this.#deferred.callback([out, err, terminated.exitCode ?? 0]);
  }
}

/**
 * Runs `executable` with `args` and fires with `[stdout, stderr, exitCode]`. When a signal
 * ended it, errbacks with {@link ProcessSignalledError} carrying the output and the signal
 * (Twisted errbacks with the tuple `(out, err, signal)`). A child that cannot start
 * errbacks with `ProcessSpawnError`.
 */
export function getProcessOutputAndValue(
  reactor: IReactorProcess,
  executable: string,
  args: readonly string[] = [],
  options: ProcessUtilsOptions = {},
): Deferred<[out: Buffer, err: Buffer, exitCode: number]> {
  const deferred = new Deferred<[out: Buffer, err: Buffer, exitCode: number]>();
  spawnFor(reactor, new EverythingGetter(deferred), executable, args, options, (error) => deferred.errback(error));
  return deferred;
}
