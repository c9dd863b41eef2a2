/**
 * A `Duplex` over a Torsion transport: the ciphertext side that `node:tls` runs over when
 * TLS is a protocol layer (over TCP, Unix, or the in-memory transport of the testing kit).
 * Bytes the transport delivers are pushed in; what TLS writes goes to `transport.write`.
 * Flow control both ways: a full read side pauses the transport; while the transport has
 * paused us as its producer, write callbacks are held (so TLS holds its output).
 */
import { Duplex } from "node:stream";
import type { ITransport } from "@torsion/core";

export class TransportDuplex extends Duplex {
  readonly #transport: ITransport;
  #held: (() => void)[] = [];
  #outputPaused = false;
  #inputPaused = false;
  #ended = false;

  constructor(transport: ITransport) {
    super({ allowHalfOpen: false, highWaterMark: 64 * 1024 });
    this.#transport = transport;
  }

  /** Ciphertext from the transport. */
  feed(data: Uint8Array): void {
    if (this.#ended || this.destroyed) return;
    if (!this.push(data) && !this.#inputPaused) {
      this.#inputPaused = true;
      this.#transport.pauseProducing();
    }
  }

  /** The transport closed: the read side ends (TLS sees EOF). */
  feedEnd(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.push(null);
    this.#releaseHeld();
  }

  override _read(): void {
    if (this.#inputPaused) {
      this.#inputPaused = false;
      this.#transport.resumeProducing();
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#transport.write(chunk);
    if (this.#outputPaused) this.#held.push(() => callback());
    else callback();
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.#transport.writeSequence(chunks.map((c) => c.chunk));
    if (this.#outputPaused) this.#held.push(() => callback());
    else callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    // The transport waits for a registered producer before it closes: we are that producer.
    this.#transport.unregisterProducer();
    this.#transport.loseConnection();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#releaseHeld();
    callback(error);
  }

  // ---- IPushProducer, registered on the transport ----------------------------------

  pauseProducing(): void {
    this.#outputPaused = true;
  }

  resumeProducing(): void {
    this.#outputPaused = false;
    this.#releaseHeld();
  }

  stopProducing(): void {
    this.#releaseHeld();
  }

  #releaseHeld(): void {
    const held = this.#held;
    this.#held = [];
    for (const release of held) release();
  }
}
