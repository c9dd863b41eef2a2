import createDebug from "debug";
import type { IPushProducer } from "@torsion/core";
import { reportError } from "@torsion/defer";
import type { AmqpMessage } from "./message.js";

const debug = createDebug("torsion:amqp:consumer");

/** What a consumer needs of its channel. */
export interface ConsumerHost {
  /** Sends `basic.cancel` and forgets the consumer; fires when `cancel-ok` arrives. */
  cancelConsumer(tag: string): PromiseLike<unknown>;
}

/**
 * A consumer started by `channel.basicConsume`: a Torsion push producer of messages.
 *
 * Messages go to the `onMessage` handler given to `basicConsume` (what it throws, or a
 * promise it returns rejects with, goes to the error reporter; the consumer carries on),
 * or, without one, to an async iterator (`for await (const message of consumer)`). While paused
 * ({@link pauseProducing}, or the iterator not being read), messages the broker already
 * sent are held here and handed over on {@link resumeProducing}. With manual acks and a
 * prefetch (`basicQos`), the broker stops sending once that many are unacked, so what is
 * held is bounded by the prefetch; a `noAck` consumer has no such bound (the broker keeps
 * sending), so pause a no-ack consumer only briefly.
 *
 * It ends when cancelled (by {@link cancel}, or by the broker: `basic.cancel` when the queue
 * is deleted) or when its channel closes; the iterator then returns after the held
 * messages (or throws the channel's error), and `whenEnded` fires.
 */
export class AmqpConsumer implements IPushProducer, AsyncIterable<AmqpMessage> {
  /** The consumer tag (server-named `amq.ctag-…` unless one was given). */
  readonly consumerTag: string;
  /** The queue consumed from. */
  readonly queue: string;
  readonly #host: ConsumerHost;
  #handler: ((message: AmqpMessage) => unknown) | null;
  readonly #held: AmqpMessage[] = [];
  #paused = false;
  #ended = false;
  #error: unknown = null;
  #cancelledByBroker = false;
  #waiter: ((result: IteratorResult<AmqpMessage>) => void) | null = null;
  #waiterFail: ((error: unknown) => void) | null = null;
  readonly #endWaiters: ((error: unknown) => void)[] = [];

  /** @internal Made by the channel. */
  constructor(host: ConsumerHost, queue: string, consumerTag: string, handler: ((message: AmqpMessage) => unknown) | null) {
    this.#host = host;
    this.queue = queue;
    this.consumerTag = consumerTag;
    this.#handler = handler;
  }

  /** True while paused. */
  get paused(): boolean {
    return this.#paused;
  }

  /** True once cancelled or its channel closed. */
  get ended(): boolean {
    return this.#ended;
  }

  /** True if the broker cancelled it (`basic.cancel` from the server). */
  get cancelledByBroker(): boolean {
    return this.#cancelledByBroker;
  }

  /** How many received messages are held, not yet handed over. */
  get heldCount(): number {
    return this.#held.length;
  }

  /** Stops handing messages over; they are held until {@link resumeProducing}. */
  pauseProducing(): void {
    this.#paused = true;
  }

  /** Hands over the held messages, then new ones as they come. */
  resumeProducing(): void {
    this.#paused = false;
    this.#flush();
  }

  /** Cancels the consumer (IPushProducer's stop). */
  stopProducing(): void {
    void this.cancel();
  }

  /** Sends `basic.cancel`; the promise settles when the broker confirms. Held messages are still handed over. */
  cancel(): PromiseLike<unknown> {
    return this.#host.cancelConsumer(this.consumerTag);
  }

  /** Fires (with `null`, or the channel's error) once the consumer has ended and every held message was handed over. */
  whenEnded(): Promise<unknown> {
    if (this.#ended && this.#held.length === 0) return Promise.resolve(this.#error);
    return new Promise((resolve) => this.#endWaiters.push(resolve));
  }

  /** @internal The channel received a delivery for this consumer. */
  deliver(message: AmqpMessage): void {
    if (this.#paused || this.#held.length > 0 || (this.#handler === null && this.#waiter === null)) {
      this.#held.push(message);
      return;
    }
    this.#handOver(message);
  }

  /** @internal The consumer ended: cancelled (error `null`) or its channel closed (the error). */
  end(error: unknown, byBroker = false): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#cancelledByBroker = byBroker;
    debug("consumer %s ended%s", this.consumerTag, error === null ? "" : `: ${error instanceof Error ? error.message : "an error"}`);
    this.#flush();
  }

  #handOver(message: AmqpMessage): void {
    if (this.#handler !== null) {
      try {
        const result: unknown = this.#handler(message);
        if (result instanceof Promise) result.catch((error: unknown) => reportError(error, `the onMessage handler of consumer ${this.consumerTag}`));
      } catch (error) {
        // A failing handler is the program's bug: report it, keep the connection and the consumer.
        reportError(error, `the onMessage handler of consumer ${this.consumerTag}`);
      }
      return;
    }
    const wake = this.#waiter as (result: IteratorResult<AmqpMessage>) => void;
    this.#waiter = null;
    this.#waiterFail = null;
    wake({ value: message, done: false });
  }

  #flush(): void {
    while (!this.#paused && this.#held.length > 0 && (this.#handler !== null || this.#waiter !== null)) {
      this.#handOver(this.#held.shift() as AmqpMessage);
    }
    if (!this.#ended || this.#held.length > 0) return;
    if (this.#waiter !== null) {
      const wake = this.#waiter;
      const fail = this.#waiterFail as (error: unknown) => void;
      this.#waiter = null;
      this.#waiterFail = null;
      if (this.#error === null) wake({ value: undefined, done: true });
      else fail(this.#error);
    }
    for (const wake of this.#endWaiters.splice(0)) wake(this.#error);
  }

  /** Iterates the messages (only for a consumer started without `onMessage`). */
  [Symbol.asyncIterator](): AsyncIterator<AmqpMessage> {
    return {
      next: () =>
        new Promise<IteratorResult<AmqpMessage>>((resolve, reject) => {
          if (this.#waiter !== null) {
            reject(new Error("AmqpConsumer: next() called again before the previous call settled"));
            return;
          }
          this.#waiter = resolve;
          this.#waiterFail = reject;
          this.#flush();
        }),
      return: async () => {
        if (!this.#ended) await this.cancel();
        return { value: undefined, done: true };
      },
    };
  }
}
