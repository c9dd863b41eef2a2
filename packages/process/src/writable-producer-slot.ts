import type { Writable } from "node:stream";
import type { IProducer, IPullProducer, IPushProducer } from "@torsion/core";
import { ProducerAlreadyRegisteredError } from "./errors.js";

/**
 * A writable stream as a consumer (a child's stdin, this process's stdout): writes go to the stream; a streaming producer
 * is paused when a write leaves the stream's buffer at or above its high-water mark
 * (`write()` returned false) and resumed on `'drain'`; a pull producer is asked for a
 * chunk on the next turn after registration and again whenever the buffer is below the
 * mark. Once the stream is closed, writes are dropped and the producer is stopped.
 */
export class WritableProducerSlot {
  readonly #stream: Writable | null;
  readonly #guard: (what: string, fn: () => void) => void;
  #producer: IProducer | null = null;
  #streaming = false;
  #paused = false;
  #pullScheduled = false;
  #closed: boolean;

  /** @param guard - runs a producer callback; an exception is reported and closes the transport */
  constructor(stream: Writable | null, guard: (what: string, fn: () => void) => void) {
    this.#stream = stream;
    this.#guard = guard;
    this.#closed = stream === null;
    stream?.on("drain", this.#onDrain);
  }

  /** Whether a producer is registered. */
  get hasProducer(): boolean {
    return this.#producer !== null;
  }

  write(data: Uint8Array): void {
    const stream = this.#stream;
    if (this.#closed || stream === null || stream.writableEnded || stream.destroyed) return;
    if (!stream.write(data)) this.#bufferFull();
  }

  register(producer: IProducer, streaming: boolean): void {
    if (this.#producer !== null) throw new ProducerAlreadyRegisteredError();
    if (this.#closed) {
      this.#guard("stopProducing", () => producer.stopProducing());
      return;
    }
    this.#producer = producer;
    this.#streaming = streaming;
    this.#paused = false;
    if (!streaming) this.#schedulePull();
    else if (this.#stream !== null && this.#stream.writableNeedDrain) this.#bufferFull();
  }

  unregister(): void {
    this.#producer = null;
    this.#paused = false;
  }

  /** The stream is closed (or closing): drop further writes, stop the producer. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const producer = this.#producer;
    this.#producer = null;
    if (producer !== null) this.#guard("stopProducing", () => producer.stopProducing());
  }

  #bufferFull(): void {
    if (this.#producer === null || !this.#streaming || this.#paused) return;
    this.#paused = true;
    const producer = this.#producer as IPushProducer;
    this.#guard("pauseProducing", () => producer.pauseProducing());
  }

  readonly #onDrain = (): void => {
    const producer = this.#producer;
    if (producer === null) return;
    if (!this.#streaming) {
      this.#schedulePull();
      return;
    }
    if (!this.#paused) return;
    this.#paused = false;
    this.#guard("resumeProducing", () => (producer as IPushProducer).resumeProducing());
  };

  #schedulePull(): void {
    if (this.#pullScheduled) return;
    this.#pullScheduled = true;
    setImmediate(() => {
      this.#pullScheduled = false;
      const producer = this.#producer;
      if (producer === null || this.#streaming || this.#closed) return;
      this.#guard("resumeProducing", () => (producer as IPullProducer).resumeProducing());
      if (this.#producer === producer && this.#stream !== null && !this.#stream.writableNeedDrain) this.#schedulePull();
    });
  }
}
