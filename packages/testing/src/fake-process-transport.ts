import { Failure } from "@torsion/defer";
import {
  ChildFDError,
  ProcessDone,
  ProcessExitedAlready,
  ProcessSpawnError,
  ProcessTerminated,
  type ChildFDs,
  type IProcessProtocol,
  type IProcessTransport,
  type IProducer,
  type ProcessSignal,
  type SpawnProcessOptions,
} from "@torsion/core";
import { ProducerStateError } from "./errors.js";

/** A `spawnProcess` call recorded by `MemoryReactor`. */
export interface ProcessRecord {
  readonly protocol: IProcessProtocol;
  readonly executable: string;
  readonly args: readonly string[];
  readonly options: SpawnProcessOptions;
  /** The fake transport handed to the protocol; drive the child through it. */
  readonly transport: FakeProcessTransport;
}

/** Options of {@link FakeProcessTransport}. */
export interface FakeProcessTransportOptions {
  /** @default 4242 */
  readonly pid?: number;
  /** @default `{0: 'w', 1: 'r', 2: 'r'}` */
  readonly childFDs?: ChildFDs;
}

/** How the fake child exits: an exit code or a signal number. */
export type FakeExit = { readonly exitCode: number } | { readonly signal: number; readonly signalName?: string };

/**
 * An in-memory `IProcessTransport` for testing process protocols without children: it
 * records what the protocol does (writes per fd, closed fds, signals, the producer) and
 * lets the test play the child deterministically, in any order the real one may produce
 * (including exit before the last output):
 *
 * - {@link childData}/{@link writeStdout}/{@link writeStderr} deliver output;
 * - {@link closeChild} reports a pipe lost (once per fd);
 * - {@link exit} reports the reaping (`processExited`); `processEnded` follows as soon as
 *   the child has exited and every pipe is lost, as with the real transport;
 * - {@link finish} closes every open pipe, then exits; {@link failToStart} plays a spawn
 *   failure.
 *
 * Calls into the protocol are synchronous and its exceptions propagate to the test. The
 * protocol closing a pipe itself (`closeStdin`, `loseConnection`) reports it lost at once.
 */
export class FakeProcessTransport implements IProcessTransport {
  /** Every signal the protocol sent, in order, as given. */
  readonly signals: ProcessSignal[] = [];
  /** Child fds the protocol closed (`closeChildFD` and friends), in order. */
  readonly closedByProtocol: number[] = [];
  /** The registered producer, if any. */
  producer: IProducer | null = null;
  /** Whether the registered producer is streaming. */
  streaming = false;
  /** Whether the protocol paused reading (`pauseProducing`). */
  paused = false;
  readonly #protocol: IProcessProtocol;
  readonly #roles = new Map<number, "r" | "w">();
  readonly #open = new Set<number>();
  readonly #written = new Map<number, Buffer[]>();
  #pid: number | null;
  #exited = false;
  #ended = false;
  #disconnecting = false;
  #reason: Failure | null = null;

  /** Builds the fake and connects `protocol` (its `connectionMade` runs now). */
  constructor(protocol: IProcessProtocol, options: FakeProcessTransportOptions = {}) {
    this.#protocol = protocol;
    this.#pid = options.pid ?? 4242;
    for (const [key, role] of Object.entries(options.childFDs ?? { 0: "w", 1: "r", 2: "r" })) {
      if (role === "r" || role === "w") {
        this.#roles.set(Number(key), role);
        this.#open.add(Number(key));
      }
    }
    protocol.makeConnection(this);
  }

  get pid(): number | null {
    return this.#pid;
  }

  get disconnecting(): boolean {
    return this.#disconnecting;
  }

  /** Whether `processEnded` has been called. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Child fds whose pipe is still open. */
  get openFDs(): number[] {
    return [...this.#open].sort((a, b) => a - b);
  }

  /** Everything the protocol wrote to child fd `fd` (default stdin), concatenated. */
  value(fd = 0): Buffer {
    return Buffer.concat(this.#written.get(fd) ?? []);
  }

  // ---- the protocol's side ------------------------------------------------------------

  write(data: Uint8Array): void {
    this.#writeFD(0, data, false);
  }

  writeSequence(data: Iterable<Uint8Array>): void {
    const chunks = [...data];
    for (const chunk of chunks) checkBytes(chunk);
    for (const chunk of chunks) this.#writeFD(0, chunk, false);
  }

  writeToChild(fd: number, data: Uint8Array): void {
    this.#writeFD(fd, data, true);
  }

  closeChildFD(fd: number): void {
    if (!this.#open.has(fd)) return;
    this.closedByProtocol.push(fd);
    this.closeChild(fd);
  }

  closeStdin(): void {
    this.closeChildFD(0);
  }

  closeStdout(): void {
    this.closeChildFD(1);
  }

  closeStderr(): void {
    this.closeChildFD(2);
  }

  loseConnection(): void {
    if (this.#disconnecting) return;
    this.#disconnecting = true;
    for (const fd of [0, 2, 1, ...this.openFDs]) this.closeChildFD(fd);
  }

  /** Records the signal. @throws ProcessExitedAlready once the fake child has exited */
  signalProcess(signal: ProcessSignal): void {
    if (this.#exited || this.#pid === null) throw new ProcessExitedAlready();
    this.signals.push(signal);
  }

  /** @throws ProducerStateError when one is already registered */
  registerProducer(producer: IProducer, streaming: boolean): void {
    if (this.producer !== null) throw new ProducerStateError("a producer is already registered");
    if (!this.#open.has(0)) {
      producer.stopProducing();
      return;
    }
    this.producer = producer;
    this.streaming = streaming;
  }

  unregisterProducer(): void {
    this.producer = null;
  }

  pauseProducing(): void {
    this.paused = true;
  }

  resumeProducing(): void {
    this.paused = false;
  }

  stopProducing(): void {
    this.loseConnection();
  }

  // ---- the test's side (playing the child) -------------------------------------------

  /** The child wrote `data` on `fd`. @throws Error if that fd is not an open `'r'` pipe */
  childData(fd: number, data: Uint8Array | string): void {
    if (this.#roles.get(fd) !== "r" || !this.#open.has(fd)) throw new Error(`child fd ${fd} is not an open pipe the parent reads`);
    this.#protocol.childDataReceived(fd, Buffer.from(data));
  }

  /** `childData(1, data)`. */
  writeStdout(data: Uint8Array | string): void {
    this.childData(1, data);
  }

  /** `childData(2, data)`. */
  writeStderr(data: Uint8Array | string): void {
    this.childData(2, data);
  }

  /** The pipe on `fd` closed: `childConnectionLost(fd)` (once; later calls do nothing). */
  closeChild(fd: number): void {
    if (!this.#open.delete(fd)) return;
    if (fd === 0 && this.producer !== null) {
      const producer = this.producer;
      this.producer = null;
      producer.stopProducing();
    }
    this.#protocol.childConnectionLost(fd);
    this.#maybeEnd();
  }

  /**
   * The child was reaped: `processExited` with `ProcessDone` (exit code 0) or
   * `ProcessTerminated`, then `processEnded` if every pipe is already lost.
   * @throws Error when it has already exited
   */
  exit(how: FakeExit = { exitCode: 0 }): void {
    const reason =
      "signal" in how
        ? new ProcessTerminated({ exitCode: null, signal: how.signal, signalName: how.signalName ?? null })
        : how.exitCode === 0
          ? new ProcessDone()
          : new ProcessTerminated({ exitCode: how.exitCode, signal: null });
    this.#exit(new Failure(reason));
  }

  /** Plays a spawn failure: every pipe lost, then `ProcessSpawnError` exit and end. */
  failToStart(errnoCode = "ENOENT", executable = "fake-executable"): void {
    this.#pid = null;
    for (const fd of this.openFDs) this.closeChild(fd);
    this.#exit(new Failure(new ProcessSpawnError(executable, errnoCode)));
  }

  /** Closes every open pipe, then exits as `how` says. */
  finish(how: FakeExit = { exitCode: 0 }): void {
    for (const fd of this.openFDs) this.closeChild(fd);
    this.exit(how);
  }

  #exit(reason: Failure): void {
    if (this.#exited) throw new Error("the fake child has already exited");
    this.#exited = true;
    this.#pid = null;
    this.#reason = reason;
    this.#protocol.processExited(reason);
    this.#maybeEnd();
  }

  #maybeEnd(): void {
    // #reason is set when the child exits.
    const reason = this.#reason;
    if (this.#ended || reason === null || this.#open.size > 0) return;
    this.#ended = true;
    this.#protocol.processEnded(reason);
  }

  #writeFD(fd: number, data: Uint8Array, strict: boolean): void {
    checkBytes(data);
    if (this.#roles.get(fd) !== "w") {
      if (strict) throw new ChildFDError(`child fd ${fd} is not a pipe the parent writes ('w' in childFDs)`);
      return;
    }
    if (!this.#open.has(fd)) return;
    const list = this.#written.get(fd) ?? [];
    list.push(Buffer.from(data));
    this.#written.set(fd, list);
  }
}

function checkBytes(data: unknown): void {
  if (!(data instanceof Uint8Array)) throw new TypeError(`Data must be a Uint8Array or Buffer, not ${typeof data}`);
}
