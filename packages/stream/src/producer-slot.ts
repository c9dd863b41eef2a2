import type net from "node:net";
import type { IProducer, IPullProducer, IPushProducer } from "@torsion/core";

/** What a {@link ProducerSlot} needs from its transport. */
export interface ProducerSlotOwner {
  /** Whether the connection is still open. */
  isOpen(): boolean;
  /** Runs a producer callback; an exception is reported and aborts the connection. */
  guard(what: string, fn: () => void): void;
}

const EMPTY = new Uint8Array(0);

/**
 * The producer registered with one stream transport, and its flow control:
 * a streaming producer is paused when a write leaves the socket's buffer at or above
 * the high-water mark (`socket.write` returned `false`) and resumed on `'drain'`; a pull
 * producer gets `resumeProducing()` on the next turn after registration and again each
 * time the socket's output has been flushed.
 */
export class ProducerSlot {
  readonly #owner: ProducerSlotOwner;
  #socket: net.Socket | null = null;
  #producer: IProducer | null = null;
  #streaming = false;
  #paused = false;
  #pullScheduled = false;
  #drainListened = false;

  constructor(owner: ProducerSlotOwner) {
    this.#owner = owner;
  }

  /** The registered producer, if any. */
  get producer(): IProducer | null {
    return this.#producer;
  }

  /** Attaches `producer` (the slot must be empty) to `socket`. */
  register(socket: net.Socket, producer: IProducer | IPushProducer | IPullProducer, streaming: boolean, highWaterMark: number): void {
    this.#socket = socket;
    this.#producer = producer;
    this.#streaming = streaming;
    this.#paused = false;
    if (!this.#drainListened) {
      this.#drainListened = true;
      socket.on("drain", this.#onDrain);
    }
    if (!streaming) this.#schedulePull();
    else if (socket.writableLength >= highWaterMark) this.bufferFull();
  }

  /** Empties the slot and returns what was in it. */
  clear(): IProducer | null {
    const producer = this.#producer;
    this.#producer = null;
    this.#paused = false;
    return producer;
  }

  /** A write left the buffer above the high-water mark: pause a streaming producer. */
  bufferFull(): void {
    if (this.#producer === null || !this.#streaming || this.#paused) return;
    this.#paused = true;
    const producer = this.#producer as IPushProducer;
    this.#owner.guard("pauseProducing", () => producer.pauseProducing());
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
    this.#owner.guard("resumeProducing", () => (producer as IPushProducer).resumeProducing());
  };

  #schedulePull(): void {
    if (this.#pullScheduled) return;
    this.#pullScheduled = true;
    setImmediate(this.#pull);
  }

  readonly #pull = (): void => {
    this.#pullScheduled = false;
    const producer = this.#producer;
    const socket = this.#socket;
    if (producer === null || socket === null || this.#streaming || !this.#owner.isOpen()) return;
    if (socket.writableLength === 0) {
      this.#owner.guard("resumeProducing", () => (producer as IPullProducer).resumeProducing());
      if (this.#producer !== producer || !this.#owner.isOpen()) return;
    }
    // An empty write's callback runs once everything queued before it is flushed.
    socket.write(EMPTY, this.#afterFlush);
  };

  readonly #afterFlush = (): void => {
    if (this.#producer !== null && !this.#streaming && this.#owner.isOpen()) this.#schedulePull();
  };
}
