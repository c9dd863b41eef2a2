/**
 * Producers: sources of data that a consumer (usually a transport) can throttle.
 *
 * A producer is registered with a consumer through `IConsumer.registerProducer`. From then
 * until it is unregistered, or until `stopProducing` is called, the consumer drives it.
 */
export interface IProducer {
  /**
   * The consumer is gone (the connection closed) and will never want data again. Called
   * at most once, after which no other method of the producer is called. The producer
   * must stop writing and release its resources.
   */
  stopProducing(): void;
}

/**
 * A producer that writes on its own whenever it has data (streaming). The consumer calls
 * `pauseProducing` when its buffer passes the high-water mark and `resumeProducing` once it
 * has drained. Calls alternate: every `resumeProducing` balances an earlier pause.
 * Transports are themselves push producers: pausing a transport stops reading from it.
 */
export interface IPushProducer extends IProducer {
  /** Stop writing until `resumeProducing` is called. May be called while already paused. */
  pauseProducing(): void;
  /** Writing may continue. Called only to balance a previous `pauseProducing`. */
  resumeProducing(): void;
}

/**
 * A producer that writes only when asked (non-streaming). The consumer calls
 * `resumeProducing` each time it is ready for more, and the producer writes one chunk
 * synchronously (or unregisters itself when done).
 */
export interface IPullProducer extends IProducer {
  /** Write one chunk to the consumer now. Called once each time the consumer is ready. */
  resumeProducing(): void;
}
