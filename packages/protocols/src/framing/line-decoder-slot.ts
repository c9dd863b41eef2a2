import { LineDecoder, type LineLengthRule } from "./line-decoder.js";

/**
 * Holds the {@link LineDecoder} of a line protocol whose `delimiter` and `MAX_LENGTH`
 * may be reassigned at any time (as Twisted allows): {@link current} returns a decoder
 * for the protocol's present settings, rebuilding it (and carrying over the unparsed
 * bytes) only when they changed. The identity check on the delimiter keeps the common
 * case, nothing changed, free of a byte comparison per chunk.
 */
export class LineDecoderSlot {
  readonly lengthRule: LineLengthRule;
  #decoder: LineDecoder | null = null;
  #delimiter: Uint8Array | null = null;

  constructor(lengthRule: LineLengthRule) {
    this.lengthRule = lengthRule;
  }

  /** The decoder built so far, or `null` before any data. */
  get decoder(): LineDecoder | null {
    return this.#decoder;
  }

  /** The decoder for `delimiter` and `maxLength`, rebuilt with the unparsed bytes if either changed. */
  current(delimiter: Uint8Array, maxLength: number): LineDecoder {
    const existing = this.#decoder;
    if (existing !== null && existing.maxLength === maxLength) {
      if (delimiter === this.#delimiter) return existing;
      if (existing.delimiter.equals(delimiter)) {
        this.#delimiter = delimiter;
        return existing;
      }
    }
    const decoder = new LineDecoder({ delimiter, maxLength, lengthRule: this.lengthRule });
    if (existing !== null) decoder.feed(existing.takeRest());
    this.#decoder = decoder;
    this.#delimiter = delimiter;
    return decoder;
  }
}
