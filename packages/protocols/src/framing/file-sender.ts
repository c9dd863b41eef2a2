import createDebug from "debug";
import { Deferred } from "@torsion/defer";
import type { IConsumer, IPullProducer } from "@torsion/core";
import { TransferInProgressError, TransferStoppedError } from "./errors.js";

const debug = createDebug("torsion:protocols:file-sender");

/**
 * A synchronous, platform-free byte source for {@link FileSender}.
 *
 * `read(size)` returns the next bytes, at most `size` of them (fewer is fine), or `null`
 * or an empty array at the end. It is called once per chunk, only from
 * `FileSender.resumeProducing`, and never again after it signalled the end, after it
 * threw, or after the transfer was stopped. Closing the underlying resource is the
 * caller's job (after the transfer's Deferred fires either way).
 */
export interface FileSource {
  read(size: number): Uint8Array | null;
}

/** A {@link FileSource} over bytes already in memory (views, no copies). */
export function bufferFileSource(bytes: Uint8Array): FileSource {
  let offset = 0;
  return {
    read(size: number): Uint8Array | null {
      if (offset >= bytes.length) return null;
      const chunk = bytes.subarray(offset, offset + size);
      offset += chunk.length;
      return chunk;
    },
  };
}

/** Turns each chunk into what is written (for example to compress or encode it). */
export type FileTransform = (chunk: Uint8Array) => Uint8Array;

const EMPTY = new Uint8Array(0);

/**
 * Streams a file to a consumer as a pull producer, in chunks of {@link CHUNK_SIZE} bytes
 * (Twisted's `FileSender`).
 *
 * `beginFileTransfer` registers the sender with the consumer as a non-streaming producer;
 * each `resumeProducing` from the consumer reads one chunk, transforms it and writes it.
 * At the end of the file the sender unregisters and the Deferred fires with the last byte
 * sent (a 1-byte array, or an empty one for an empty file). If the consumer calls
 * `stopProducing` first, the Deferred fails with {@link TransferStoppedError}; if reading
 * or the transform throws, the sender unregisters and the Deferred fails with that error.
 */
export class FileSender implements IPullProducer {
  /** The default chunk size: 16 KiB. */
  static readonly CHUNK_SIZE = 2 ** 14;
  /** Bytes read per `resumeProducing`. @default 16384 */
  CHUNK_SIZE = FileSender.CHUNK_SIZE;
  /** The last byte written so far (empty before the first write). */
  lastSent: Uint8Array = EMPTY;
  #file: FileSource | null = null;
  #consumer: IConsumer | null = null;
  #transform: FileTransform | null = null;
  #deferred: Deferred<Uint8Array> | null = null;

  /**
   * Starts sending `file` to `consumer` and returns a Deferred that fires with the last
   * byte sent. Registering may synchronously read (the consumer starts pulling at once).
   *
   * @throws TransferInProgressError while an earlier transfer of this sender is running
   */
  beginFileTransfer(file: FileSource, consumer: IConsumer, transform?: FileTransform): Deferred<Uint8Array> {
    if (this.#deferred !== null) throw new TransferInProgressError();
    const deferred = new Deferred<Uint8Array>();
    this.#file = file;
    this.#consumer = consumer;
    this.#transform = transform ?? null;
    this.#deferred = deferred;
    this.lastSent = EMPTY;
    try {
      consumer.registerProducer(this, false);
    } catch (error) {
      this.#finish();
      throw error;
    }
    return deferred;
  }

  /** Writes the next chunk, or unregisters and fires the Deferred at the end of the file. */
  resumeProducing(): void {
    const file = this.#file;
    const consumer = this.#consumer;
    if (file === null || consumer === null) return;
    let chunk: Uint8Array | null;
    try {
      chunk = file.read(this.CHUNK_SIZE);
      if (chunk !== null && chunk.length > 0 && this.#transform !== null) chunk = this.#transform(chunk);
    } catch (error) {
      debug("reading or transforming failed: %O", error);
      this.#end(consumer)?.errback(error);
      return;
    }
    if (chunk === null || chunk.length === 0) {
      this.#end(consumer)?.callback(this.lastSent);
      return;
    }
    consumer.write(chunk);
    this.lastSent = chunk.subarray(chunk.length - 1);
  }

  /** Does nothing: a pull producer writes only when asked. */
  pauseProducing(): void {}

  /** The consumer is gone: the Deferred fails with {@link TransferStoppedError}. */
  stopProducing(): void {
    const deferred = this.#finish();
    deferred?.errback(new TransferStoppedError());
  }

  /** Ends the transfer: unregisters from the consumer and returns the pending Deferred. */
  #end(consumer: IConsumer): Deferred<Uint8Array> | null {
    const deferred = this.#finish();
    consumer.unregisterProducer();
    return deferred;
  }

  #finish(): Deferred<Uint8Array> | null {
    const deferred = this.#deferred;
    this.#file = null;
    this.#consumer = null;
    this.#transform = null;
    this.#deferred = null;
    return deferred;
  }
}
