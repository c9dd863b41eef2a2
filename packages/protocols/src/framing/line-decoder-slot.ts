import type { IDecoder } from "@torsion/core";
import { LineDecoder, type LineLengthRule } from "./line-decoder.js";

/**
 * Where a {@link LineDecoderSlot} reads its settings: the line protocol itself, whose
 * `delimiter` and `MAX_LENGTH` may be reassigned at any time (as Twisted allows).
 */
export interface LineSettings {
  readonly delimiter: Uint8Array;
  readonly MAX_LENGTH: number;
}

/** The events of {@link LineDecoderSlot.next} other than a line. */
export interface LineSlotEvent {
  /** `"raw"`: raw-mode bytes; `"lineLengthExceeded"`: a too-long line's data. */
  readonly type: "raw" | "lineLengthExceeded";
  readonly data: Buffer;
}

/** What {@link LineDecoderSlot.next} returns: a line (a bare `Buffer`, the common case) or an event. */
export type LineSlotFrame = Buffer | LineSlotEvent;

/**
 * The decoder of the line protocols (`LineReceiver`, `LineOnlyReceiver`), as the framing
 * driver sees it: a {@link LineDecoder} for the protocol's present `delimiter` and
 * `MAX_LENGTH`, rebuilt (carrying over the unparsed bytes) only when either changed, plus
 * `LineReceiver`'s raw mode. The identity check on the delimiter keeps the common case,
 * nothing changed, free of a byte comparison per line.
 *
 * {@link next} returns each line as a bare `Buffer` (no event object per line); in raw
 * mode (`lineMode` false) it returns everything unparsed as one `"raw"` event.
 */
export class LineDecoderSlot implements IDecoder<LineSlotFrame> {
  readonly lengthRule: LineLengthRule;
  /** False in raw mode (`LineReceiver.setRawMode`). @default true */
  lineMode = true;
  readonly #settings: LineSettings;
  #decoder: LineDecoder | null = null;
  #delimiter: Uint8Array | null = null;
  #finished = false;

  constructor(lengthRule: LineLengthRule, settings: LineSettings) {
    this.lengthRule = lengthRule;
    this.#settings = settings;
  }

  /** The decoder built so far, or `null` before any data. */
  get decoder(): LineDecoder | null {
    return this.#decoder;
  }

  /** The decoder for `delimiter` and `maxLength`, rebuilt with the unparsed bytes if either changed. */
  current(delimiter: Uint8Array, maxLength: number): LineDecoder {
    const existing = this.#decoder;
    if (existing !== null && delimiter === this.#delimiter && existing.maxLength === maxLength) return existing;
    return this.#rebuild(delimiter, maxLength);
  }

  /** The slow path of {@link current} (kept apart so that the fast path stays small). */
  #rebuild(delimiter: Uint8Array, maxLength: number): LineDecoder {
    const existing = this.#decoder;
    if (existing !== null && existing.maxLength === maxLength && existing.delimiter.equals(delimiter)) {
      this.#delimiter = delimiter;
      return existing;
    }
    const decoder = new LineDecoder({ delimiter, maxLength, lengthRule: this.lengthRule });
    if (existing !== null) decoder.feed(existing.takeRest());
    if (this.#finished) decoder.finish();
    this.#decoder = decoder;
    this.#delimiter = delimiter;
    return decoder;
  }

  /** Queues `chunk` for the decoder of the present settings. */
  feed(chunk: Uint8Array): void {
    this.#current().feed(chunk);
  }

  /** The next line, too-long report, or (in raw mode) the unparsed bytes; `undefined` when none. */
  next(): LineSlotFrame | undefined {
    // The settings check of #current, written out: one call level less on the per-line path
    // keeps the whole path within V8's inlining budget (measured: about 20% fewer instructions).
    const settings = this.#settings;
    const delimiter = settings.delimiter;
    const maxLength = settings.MAX_LENGTH;
    let decoder = this.#decoder;
    if (decoder === null || delimiter !== this.#delimiter || decoder.maxLength !== maxLength) decoder = this.#rebuild(delimiter, maxLength);
    if (this.lineMode) {
      const line = decoder.nextLine();
      if (line !== null) return line;
    }
    return this.#event(decoder);
  }

  /** What {@link next} returns when no line is ready: raw data, a too-long report, or nothing. */
  #event(decoder: LineDecoder): LineSlotEvent | undefined {
    if (!this.lineMode) {
      const data = decoder.takeRest();
      return data.length === 0 ? undefined : { type: "raw", data };
    }
    const data = decoder.takeExceeded();
    return data === null ? undefined : { type: "lineLengthExceeded", data };
  }

  /** End of stream: see `LineDecoder.finish` (an unfinished line is dropped). */
  finish(): void {
    this.#finished = true;
    this.#decoder?.finish();
  }

  /** Removes and returns every unparsed byte (see `LineDecoder.takeRest`). */
  takeRest(): Buffer {
    return this.#decoder?.takeRest() ?? Buffer.alloc(0);
  }

  /** How many received bytes are held unparsed. */
  get bufferedLength(): number {
    return this.#decoder?.bufferedLength ?? 0;
  }

  /** The decoder for the present settings (the check inlined: no call to {@link current}). */
  #current(): LineDecoder {
    const settings = this.#settings;
    const delimiter = settings.delimiter;
    const maxLength = settings.MAX_LENGTH;
    const decoder = this.#decoder;
    if (decoder !== null && delimiter === this.#delimiter && decoder.maxLength === maxLength) return decoder;
    return this.#rebuild(delimiter, maxLength);
  }
}
