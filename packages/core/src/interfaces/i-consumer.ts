import type { IProducer } from "./i-producer.js";

/** A sink of bytes that can throttle a registered producer. */
export interface IConsumer {
  /**
   * Attaches a producer. `streaming: true` means an {@link IPushProducer} (paused when the
   * consumer's buffer is full and resumed when it drains); `false` means an
   * {@link IPullProducer} (asked for one chunk each time the buffer drains, starting
   * right away). At most one producer at a time: registering a second one throws.
   * If the consumer is already closed, the producer's `stopProducing` is called at once.
   */
  registerProducer(producer: IProducer, streaming: boolean): void;
  /**
   * Detaches the current producer. A pending `loseConnection` then proceeds (flush, then
   * close). Calling it with no producer registered does nothing.
   */
  unregisterProducer(): void;
  /** Queues bytes for delivery; never blocks. Ignored after the consumer closed. */
  write(data: Uint8Array): void;
}
