import type { Readable, Writable } from "node:stream";
import createDebug from "debug";
import { Failure } from "@torsion/defer";
import {
  ConnectionAborted,
  ConnectionDone,
  ConnectionLost,
  isHalfCloseable,
  type IAddress,
  type IProducer,
  type IProtocol,
  type ITransport,
  type ITransportHost,
} from "@torsion/core";
import { checkBytes, checkSequence } from "./bytes.js";
import { guardedCall } from "./guarded-call.js";
import { WritableProducerSlot } from "./writable-producer-slot.js";

const debug = createDebug("torsion:process:stdio");

/** The address of either end of a `StandardIO` connection (Twisted's `PipeAddress`). */
export class PipeAddress implements IAddress {
  equals(other: unknown): boolean {
    return other instanceof PipeAddress;
  }

  toString(): string {
    return "PipeAddress()";
  }
}

/** Options of {@link StandardIO}. */
export interface StandardIOOptions {
  /** Where input comes from. @default process.stdin */
  readonly stdin?: Readable;
  /** Where output goes. @default process.stdout */
  readonly stdout?: Writable;
}

type State = "open" | "closing" | "closed";

/**
 * A stream protocol over this process's own stdin and stdout (Twisted's
 * `twisted.internet.stdio.StandardIO`): `dataReceived` gets what arrives on stdin, and
 * `transport.write` writes to stdout, with flow control both ways.
 *
 * `makeConnection` is called in the constructor. At EOF on stdin, a half-closeable
 * protocol gets `readConnectionLost` (and may keep writing); any other protocol's
 * connection is closed (`loseConnection`). `loseConnection` flushes and ends stdout, then
 * `connectionLost(ConnectionDone)`; an error writing stdout (the reader went away) gives
 * `connectionLost(ConnectionLost)`. A protocol callback that throws (or returns a promise
 * that rejects) is reported through the host and aborts the connection. The host
 * (the reactor) closes the connection at `stop()`.
 */
export class StandardIO implements ITransport {
  readonly #host: ITransportHost;
  readonly #protocol: IProtocol;
  readonly #stdin: Readable;
  readonly #stdout: Writable;
  readonly #writer: WritableProducerSlot;
  #state: State = "open";
  #disconnecting = false;
  #waitingForProducer = false;
  #unregister: () => void;
  #closed: (() => void)[] = [];

  constructor(host: ITransportHost, protocol: IProtocol, options: StandardIOOptions = {}) {
    this.#host = host;
    this.#protocol = protocol;
    this.#stdin = options.stdin ?? process.stdin;
    this.#stdout = options.stdout ?? process.stdout;
    this.#writer = new WritableProducerSlot(this.#stdout, (what, fn) => this.#guard(what, fn));
    this.#unregister = host.registerResource({ kind: "connection", shutdown: (grace) => this.#shutdown(grace) });
    this.#stdout.on("error", this.#onWriteError);
    this.#stdin.on("error", this.#onReadError);
    this.#stdin.on("end", this.#onEnd);
    this.#guard("makeConnection", () => this.#protocol.makeConnection(this));
    if (this.#state === "open") this.#stdin.on("data", this.#onData);
  }

  get disconnecting(): boolean {
    return this.#disconnecting;
  }

  write(data: Uint8Array): void {
    checkBytes(data);
    if (this.#state === "closed" || (this.#disconnecting && !this.#waitingForProducer)) return;
    this.#writer.write(data);
  }

  writeSequence(data: Iterable<Uint8Array>): void {
    const chunks = checkSequence(data);
    for (const chunk of chunks) this.write(chunk);
  }

  registerProducer(producer: IProducer, streaming: boolean): void {
    this.#writer.register(producer, streaming);
  }

  unregisterProducer(): void {
    this.#writer.unregister();
    if (this.#waitingForProducer) {
      this.#waitingForProducer = false;
      this.#finish();
    }
  }

  pauseProducing(): void {
    this.#stdin.pause();
  }

  resumeProducing(): void {
    if (this.#state === "open") this.#stdin.resume();
  }

  stopProducing(): void {
    this.loseConnection();
  }

  /** Flushes and ends stdout, then `connectionLost(ConnectionDone)`. Idempotent. */
  loseConnection(): void {
    if (this.#disconnecting || this.#state === "closed") return;
    this.#disconnecting = true;
    if (this.#writer.hasProducer) {
      this.#waitingForProducer = true;
      return;
    }
    this.#finish();
  }

  /** Stops at once: `connectionLost(ConnectionAborted)`; unwritten output is dropped. */
  abortConnection(): void {
    this.#disconnecting = true;
    this.#close(new ConnectionAborted());
  }

  getPeer(): IAddress {
    return new PipeAddress();
  }

  getHost(): IAddress {
    return new PipeAddress();
  }

  #finish(): void {
    if (this.#state !== "open") return;
    this.#state = "closing";
    this.#stdin.pause();
    this.#stdout.end(() => this.#close(new ConnectionDone()));
  }

  readonly #onData = (data: Buffer | string): void => {
    if (this.#state === "closed" || this.#disconnecting) return;
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    this.#guard("dataReceived", () => this.#protocol.dataReceived(bytes));
  };

  readonly #onEnd = (): void => {
    debug("stdin reached EOF");
    if (this.#state !== "open") return;
    const protocol = this.#protocol;
    if (isHalfCloseable(protocol)) this.#guard("readConnectionLost", () => protocol.readConnectionLost());
    else this.loseConnection();
  };

  readonly #onWriteError = (error: Error): void => {
    debug("stdout error: %s", error.message);
    this.#close(new ConnectionLost(`could not write to stdout: ${error.message}`, { cause: error }));
  };

  readonly #onReadError = (error: Error): void => {
    debug("stdin error: %s", error.message);
    this.#close(new ConnectionLost(`could not read stdin: ${error.message}`, { cause: error }));
  };

  #close(reason: Error): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#disconnecting = true;
    this.#unregister();
    this.#stdin.off("data", this.#onData);
    // Release stdin so that it does not keep this process alive.
    if (!this.#stdin.readableEnded) this.#stdin.destroy();
    this.#writer.close();
    const failure = new Failure(reason);
    guardedCall(
      () => this.#protocol.connectionLost(failure),
      (error) => this.#host.reportError(error, "Unhandled error in protocol.connectionLost (stdio)"),
    );
    for (const resolve of this.#closed.splice(0)) resolve();
  }

  #guard(what: string, fn: () => unknown): void {
    guardedCall(fn, (error) => {
      this.#host.reportError(error, `Unhandled error in protocol.${what} (stdio)`);
      if (this.#state !== "closed") this.#close(Failure.from(error).value);
    });
  }

  /** Resolves once `connectionLost` has been called (at once when it already was). */
  whenClosed(): Promise<void> {
    if (this.#state === "closed") return Promise.resolve();
    return new Promise<void>((resolve) => this.#closed.push(resolve));
  }

  #shutdown(graceSeconds: number): Promise<void> {
    if (this.#state === "closed") return Promise.resolve();
    const closed = this.whenClosed();
    this.loseConnection();
    const timer = setTimeout(() => this.abortConnection(), Math.ceil(graceSeconds * 1000));
    return closed.finally(() => clearTimeout(timer));
  }
}
