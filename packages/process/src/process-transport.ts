import type { ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import createDebug from "debug";
import { Failure } from "@torsion/defer";
import {
  ChildFDError,
  ProcessDone,
  ProcessExitedAlready,
  ProcessSpawnError,
  ProcessTerminated,
  type IProcessProtocol,
  type IProcessTransport,
  type IProducer,
  type ITransportHost,
  type ProcessSignal,
} from "@torsion/core";
import { guardedCall } from "./guarded-call.js";
import { checkBytes, checkSequence } from "./bytes.js";
import { WritableProducerSlot } from "./writable-producer-slot.js";
import { signalNumber, toNodeSignal } from "./signals.js";

const debug = createDebug("torsion:process:transport");

/** One pipe between parent and child: `'r'` the parent reads, `'w'` the parent writes. */
interface Pipe {
  readonly fd: number;
  readonly role: "r" | "w";
  readonly stream: (Readable & Writable) | null;
  lost: boolean;
  /** Output read while paused (Node resumes a child's paused stdio at exit), delivered on resume. */
  readonly pending: Buffer[];
  /** The stream has closed; `lost` waits until `pending` is delivered. */
  closed: boolean;
}

/** What the transport needs to be built (see `spawnProcess`). */
export interface ProcessTransportInit {
  readonly host: ITransportHost;
  readonly protocol: IProcessProtocol;
  readonly executable: string;
  /** The Node child, or `null` when `spawn()` itself threw a system error. */
  readonly child: ChildProcess | null;
  /** The system error `spawn()` threw synchronously, when `child` is null. */
  readonly spawnError: (Error & { code?: unknown }) | null;
  /** The parent's role for each piped child fd. */
  readonly pipes: ReadonlyMap<number, "r" | "w">;
  readonly onShutdown: "terminate" | "leave";
}

/**
 * The real `IProcessTransport` over a Node `ChildProcess` (see `spawnProcess`).
 *
 * It delivers each output pipe's data to `childDataReceived`, reports each pipe's close
 * once (`childConnectionLost`), the reaping (`processExited`), and `processEnded` once
 * both have happened; it never trusts Node's `'close'` event for that, because Node emits
 * it before the last pipe's own `'close'` on a failed spawn. It registers with the host
 * so that `reactor.stop()` terminates the child (see `SpawnProcessOptions.onShutdown`).
 */
export class ProcessTransport implements IProcessTransport {
  readonly #host: ITransportHost;
  readonly #protocol: IProcessProtocol;
  readonly #executable: string;
  readonly #child: ChildProcess | null;
  readonly #pipes = new Map<number, Pipe>();
  readonly #stdin: WritableProducerSlot;
  #pid: number | null;
  #exited = false;
  #ended = false;
  #disconnecting = false;
  #closeAfterProducer = false;
  #paused = false;
  #reason: Failure | null = null;
  #unregister: () => void = () => undefined;
  #endWaiters: (() => void)[] = [];

  constructor(init: ProcessTransportInit) {
    this.#host = init.host;
    this.#protocol = init.protocol;
    this.#executable = init.executable;
    this.#child = init.child;
    this.#pid = init.child?.pid ?? null;
    for (const [fd, role] of init.pipes) {
      const stream = (init.child?.stdio[fd] ?? null) as (Readable & Writable) | null;
      this.#pipes.set(fd, { fd, role, stream, lost: false, pending: [], closed: false });
    }
    const stdin = this.#pipes.get(0);
    this.#stdin = new WritableProducerSlot(stdin?.role === "w" ? stdin.stream : null, (what, fn) => this.#guard(what, fn));
    if (init.child !== null) this.#attach(init.child);
    if (init.onShutdown === "terminate") {
      this.#unregister = this.#host.registerResource({ kind: "connection", shutdown: (grace) => this.#shutdown(grace) });
    }
    debug("spawned %s pid=%s", this.#executable, this.#pid);
    guardedCall(
      () => this.#protocol.makeConnection(this),
      (error) => this.#report(error, "connectionMade"),
    );
    if (init.child === null || this.#pid === null) {
      const error = init.spawnError;
      if (error !== null) setImmediate(() => this.#spawnFailed(error));
    }
  }

  /** The child's pid; `null` once reaped, and when it never started. */
  get pid(): number | null {
    return this.#pid;
  }

  /** True from the first `loseConnection()` on. */
  get disconnecting(): boolean {
    return this.#disconnecting;
  }

  // ---- input ---------------------------------------------------------------------------

  write(data: Uint8Array): void {
    checkBytes(data);
    this.#stdin.write(data);
  }

  writeSequence(data: Iterable<Uint8Array>): void {
    for (const chunk of checkSequence(data)) this.#stdin.write(chunk);
  }

  writeToChild(fd: number, data: Uint8Array): void {
    checkBytes(data);
    if (fd === 0) {
      this.#stdin.write(data);
      return;
    }
    const pipe = this.#pipes.get(fd);
    if (pipe?.role !== "w") throw new ChildFDError(`child fd ${fd} is not a pipe the parent writes ('w' in childFDs)`);
    if (pipe.lost || pipe.stream === null || pipe.stream.writableEnded) return;
    pipe.stream.write(data);
  }

  registerProducer(producer: IProducer, streaming: boolean): void {
    this.#stdin.register(producer, streaming);
  }

  unregisterProducer(): void {
    this.#stdin.unregister();
    if (this.#closeAfterProducer) {
      this.#closeAfterProducer = false;
      this.#closeAll();
    }
  }

  // ---- closing ---------------------------------------------------------------------------

  closeChildFD(fd: number): void {
    const pipe = this.#pipes.get(fd);
    if (pipe === undefined || pipe.lost) return;
    const stream = pipe.stream;
    if (stream === null) {
      this.#lost(pipe);
      return;
    }
    if (pipe.role === "w") {
      if (fd === 0) this.#stdin.close();
      if (!stream.writableEnded) stream.end(() => stream.destroy());
    } else {
      pipe.pending.length = 0;
      stream.destroy();
      if (pipe.closed) this.#lost(pipe);
    }
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
    if (this.#stdin.hasProducer) {
      this.#closeAfterProducer = true;
      return;
    }
    this.#closeAll();
  }

  #closeAll(): void {
    this.closeChildFD(0);
    this.closeChildFD(2);
    this.closeChildFD(1);
    for (const fd of this.#pipes.keys()) this.closeChildFD(fd);
  }

  // ---- IPushProducer (output) ------------------------------------------------------------

  pauseProducing(): void {
    this.#paused = true;
    for (const pipe of this.#pipes.values()) if (pipe.role === "r" && !pipe.lost) pipe.stream?.pause();
  }

  resumeProducing(): void {
    this.#paused = false;
    // On a later turn: delivering from inside resumeProducing would re-enter the protocol.
    setImmediate(() => {
      for (const pipe of this.#pipes.values()) if (pipe.role === "r" && !pipe.lost) this.#drain(pipe);
    });
  }

  stopProducing(): void {
    this.loseConnection();
  }

  // ---- signals -------------------------------------------------------------------------------

  signalProcess(signal: ProcessSignal): void {
    const nodeSignal = toNodeSignal(signal);
    const child = this.#child;
    if (child === null || this.#exited || this.#pid === null) throw new ProcessExitedAlready();
    let sent: boolean;
    try {
      sent = child.kill(nodeSignal);
    } catch (error) {
      throw new ProcessExitedAlready(`could not signal process ${this.#pid}`, { cause: error });
    }
    if (!sent) throw new ProcessExitedAlready();
  }

  // ---- events --------------------------------------------------------------------------------

  #attach(child: ChildProcess): void {
    for (const pipe of this.#pipes.values()) {
      const stream = pipe.stream;
      if (stream === null) continue;
      stream.on("error", (error: Error) => debug("pid %s fd %d: %s", String(this.#pid), pipe.fd, error.message));
      stream.on("close", () => {
        pipe.closed = true;
        if (pipe.pending.length === 0) this.#lost(pipe);
      });
      if (pipe.role === "r") {
        stream.on("data", (data: Buffer) => {
          if (!this.#paused) {
            this.#deliver(pipe, data);
            return;
          }
          // Node resumes a child's paused stdio streams when it exits: hold what it
          // reads until resumeProducing.
          pipe.pending.push(data);
          stream.pause();
        });
      } else if (pipe.fd !== 0) {
        // An extra 'w' pipe is a duplex socket: read (and drop) from it so that the child
        // closing its end (exiting) is noticed and the pipe reported lost.
        stream.on("data", (data: Buffer) => debug("fd %d: dropped %d bytes the child wrote to a 'w' pipe", pipe.fd, data.length));
        stream.on("end", () => stream.destroy());
      }
    }
    child.on("exit", (code: number | null, signal: NodeJS.Signals | null) => this.#onExit(code, signal));
    child.on("error", (error: Error & { code?: unknown }) => {
      if (child.pid === undefined && !this.#exited) this.#spawnFailed(error);
      else this.#report(error, "the child process");
    });
  }

  #drain(pipe: Pipe): void {
    while (!this.#paused && !pipe.lost) {
      const chunk = pipe.pending.shift();
      if (chunk === undefined) break;
      this.#deliver(pipe, chunk);
    }
    if (this.#paused || pipe.lost) return;
    if (pipe.closed) this.#lost(pipe);
    else pipe.stream?.resume();
  }

  #deliver(pipe: Pipe, data: Buffer): void {
    if (pipe.lost) return;
    guardedCall(
      () => this.#protocol.childDataReceived(pipe.fd, data),
      (error) => {
        this.#report(error, `childDataReceived (fd ${pipe.fd})`);
        this.closeChildFD(pipe.fd);
      },
    );
  }

  #lost(pipe: Pipe): void {
    if (pipe.lost) return;
    pipe.lost = true;
    if (pipe.fd === 0) this.#stdin.close();
    guardedCall(
      () => this.#protocol.childConnectionLost(pipe.fd),
      (error) => this.#report(error, `childConnectionLost (fd ${pipe.fd})`),
    );
    this.#maybeEnd();
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#exited) return;
    let reason: Error;
    if (signal !== null) {
      reason = new ProcessTerminated({ exitCode: null, signal: signalNumber(signal), signalName: signal });
    } else if (code === 0) {
      reason = new ProcessDone(0);
    } else {
      reason = new ProcessTerminated({ exitCode: code, signal: null });
    }
    debug("pid %s exited: %s", this.#pid, reason.message);
    this.#exit(new Failure(reason));
  }

  #spawnFailed(error: Error & { code?: unknown }): void {
    if (this.#exited) return;
    const errno = typeof error.code === "string" ? error.code : "unknown error";
    debug("could not start %s: %s", this.#executable, errno);
    // Node leaves a pipe open when spawn() failed before setting up the stdio.
    for (const pipe of this.#pipes.values()) {
      if (pipe.stream === null) this.#lost(pipe);
      else pipe.stream.destroy();
    }
    this.#exit(new Failure(new ProcessSpawnError(this.#executable, errno, { cause: error })));
  }

  #exit(reason: Failure): void {
    this.#exited = true;
    this.#pid = null;
    this.#reason = reason;
    guardedCall(
      () => this.#protocol.processExited(reason),
      (error) => this.#report(error, "processExited"),
    );
    this.#maybeEnd();
  }

  #maybeEnd(): void {
    if (this.#ended || !this.#exited) return;
    for (const pipe of this.#pipes.values()) if (!pipe.lost) return;
    this.#ended = true;
    this.#unregister();
    this.#stdin.close();
    const reason = this.#reason ?? new Failure(new ProcessDone());
    guardedCall(
      () => this.#protocol.processEnded(reason),
      (error) => this.#report(error, "processEnded"),
    );
    for (const waiter of this.#endWaiters.splice(0)) waiter();
  }

  /**
   * The reactor's shutdown policy: close stdin (a filter then finishes), SIGTERM, and
   * SIGKILL after `graceSeconds`; resolves once `processEnded` has been called.
   */
  #shutdown(graceSeconds: number): Promise<void> {
    if (this.#ended) return Promise.resolve();
    const ended = new Promise<void>((resolve) => this.#endWaiters.push(resolve));
    this.closeStdin();
    this.#trySignal("SIGTERM");
    const timer = setTimeout(
      () => {
        this.#trySignal("SIGKILL");
        // Output pipes held open by grandchildren must not hold the shutdown.
        setTimeout(() => this.#closeAll(), 100).unref();
      },
      Math.ceil(graceSeconds * 1000),
    );
    return ended.finally(() => clearTimeout(timer));
  }

  #trySignal(signal: NodeJS.Signals): void {
    if (this.#exited || this.#child === null) return;
    try {
      this.#child.kill(signal);
    } catch (error) {
      debug("could not send %s: %s", signal, String(error));
    }
  }

  #guard(what: string, fn: () => void): void {
    guardedCall(fn, (error) => {
      this.#report(error, what);
      this.loseConnection();
    });
  }

  #report(error: unknown, what: string): void {
    this.#host.reportError(error, `Unhandled error in ${what} of the protocol of process ${JSON.stringify(this.#executable)}`);
  }

  /** For logs. */
  toString(): string {
    return `ProcessTransport(${this.#executable}, pid=${String(this.#pid)})`;
  }

  /** Whether output reading is paused (for tests). */
  get paused(): boolean {
    return this.#paused;
  }
}
