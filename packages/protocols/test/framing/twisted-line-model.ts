/**
 * Reference models of Twisted 22.4's line parsers, written from the algorithms in the
 * oracle's FORMAT.md §3.4 and §3.5 (whole-buffer concatenation), driving the test
 * protocols of those sections in the realistic mode: chunks are delivered until the one
 * during which `loseConnection` was first called.
 *
 * One shortcut keeps them linear in the stream length (so the chunk-size sweeps stay
 * fast) without changing a single event: the buffer never holds a whole delimiter
 * between chunks, so a chunk that completes no delimiter together with the buffer's last
 * `delimiter.length - 1` bytes, and does not reach the length limit, only lengthens the
 * buffer; the models then set the chunk aside instead of concatenating and re-searching
 * the whole buffer, and join the pieces when a chunk does more.
 *
 * They serve as the specification Torsion is checked against on inputs the recorded
 * vectors do not cover (every chunk size, fuzzing). A test replays every public vector
 * through them first, so the models are known to reproduce Twisted.
 */
import { b64, type OracleEvent } from "./oracle-harness.js";

/** What a model run observed: the events and `len(events)` after each delivered chunk. */
export interface ModelRun {
  readonly events: OracleEvent[];
  readonly chunkEventEnds: number[];
}

export interface LineModelConfig {
  readonly delimiter: Buffer;
  readonly maxLength: number;
  /** LineReceiver only: the `RAW <n>` script of FORMAT.md §3.4. @default false */
  readonly rawScript?: boolean;
}

const RAW_COMMAND = /^RAW ([0-9]{1,9})$/;

/** Twisted's `LineReceiver` with the §3.4 test protocol (no pausing). */
class LineReceiverModel {
  readonly events: OracleEvent[] = [];
  closed = false;
  #buffer: Buffer = Buffer.alloc(0);
  /** Chunks that belong after `#buffer` (set aside by the shortcut, see the file's doc). */
  #parts: Buffer[] = [];
  #partsLength = 0;
  /** The last `delimiter.length - 1` bytes of `#buffer` and `#parts`. */
  #tail: Buffer = Buffer.alloc(0);
  #lineMode = true;
  #rawRemaining = 0;
  readonly #config: LineModelConfig;

  constructor(config: LineModelConfig) {
    this.#config = config;
  }

  dataReceived(data: Buffer): void {
    const { delimiter, maxLength } = this.#config;
    if (this.#lineMode) {
      const length = this.#buffer.length + this.#partsLength + data.length;
      if (!completesDelimiter(this.#tail, data, delimiter) && length < maxLength + delimiter.length) {
        this.#parts.push(data);
        this.#partsLength += data.length;
        this.#tail = nextTail(this.#tail, data, delimiter.length - 1);
        return;
      }
    }
    this.#buffer = Buffer.concat([this.#buffer, ...this.#parts, data]);
    this.#parts = [];
    this.#partsLength = 0;
    this.#parse();
    this.#tail = lastBytes(this.#buffer, delimiter.length - 1);
  }

  /** Twisted's `dataReceived` loop over the whole buffer. */
  #parse(): void {
    const { delimiter, maxLength } = this.#config;
    while (this.#buffer.length > 0) {
      if (!this.#lineMode) {
        this.#rawDataReceived(this.#take(this.#buffer.length));
        continue;
      }
      const at = this.#buffer.indexOf(delimiter);
      if (at < 0 ? this.#buffer.length >= maxLength + delimiter.length : at > maxLength) {
        this.#exceeded(this.#take(this.#buffer.length));
        return;
      }
      if (at < 0) return;
      const line = this.#take(at);
      this.#take(delimiter.length);
      this.#lineReceived(line);
    }
  }

  #take(count: number): Buffer {
    const taken = this.#buffer.subarray(0, count);
    this.#buffer = this.#buffer.subarray(count);
    return taken;
  }

  #exceeded(data: Buffer): void {
    this.events.push(["lineLengthExceeded", b64(data)], ["loseConnection"]);
    this.closed = true;
  }

  #lineReceived(line: Buffer): void {
    this.events.push(["line", b64(line)]);
    const match = this.#config.rawScript === true ? RAW_COMMAND.exec(line.toString("latin1")) : null;
    if (match === null) return;
    this.#rawRemaining = Number.parseInt(match[1] as string, 10);
    this.#lineMode = false;
  }

  /** Raw data; the bytes past the raw block go back to the buffer (setLineMode inside dataReceived). */
  #rawDataReceived(data: Buffer): void {
    this.events.push(["raw", b64(data)]);
    if (data.length < this.#rawRemaining) {
      this.#rawRemaining -= data.length;
      return;
    }
    const rest = data.subarray(this.#rawRemaining);
    this.#rawRemaining = 0;
    this.#lineMode = true;
    this.#buffer = Buffer.concat([this.#buffer, rest]);
  }
}

/** Runs Twisted's `LineReceiver` model over `chunks`, up to the chunk that closed. */
export function twistedLineReceiver(config: LineModelConfig, chunks: readonly Buffer[]): ModelRun {
  const model = new LineReceiverModel(config);
  const ends: number[] = [];
  for (const chunk of chunks) {
    model.dataReceived(chunk);
    ends.push(model.events.length);
    if (model.closed) break;
  }
  return { events: model.events, chunkEventEnds: ends };
}

/**
 * Whether `tail + data` contains `delimiter` (`tail` being shorter than it), without
 * joining them: inside `data`, or across the seam.
 */
function completesDelimiter(tail: Buffer, data: Buffer, delimiter: Buffer): boolean {
  if (data.indexOf(delimiter) >= 0) return true;
  for (let k = Math.min(tail.length, delimiter.length - 1); k > 0; k -= 1) {
    const rest = delimiter.length - k;
    if (
      rest <= data.length &&
      tail.subarray(tail.length - k).equals(delimiter.subarray(0, k)) &&
      data.subarray(0, rest).equals(delimiter.subarray(k))
    )
      return true;
  }
  return false;
}

/** The last `count` bytes of `tail + data`. */
function nextTail(tail: Buffer, data: Buffer, count: number): Buffer {
  if (data.length >= count) return data.subarray(data.length - count);
  return lastBytes(Buffer.concat([tail, data]), count);
}

/** The last `count` bytes of `buffer` (all of it when shorter). */
function lastBytes(buffer: Buffer, count: number): Buffer {
  return buffer.subarray(Math.max(0, buffer.length - count));
}

/** Length of the longest proper prefix of `delimiter` that ends `buffer`. */
function partialDelimiter(buffer: Buffer, delimiter: Buffer): number {
  for (let k = Math.min(delimiter.length - 1, buffer.length); k > 0; k -= 1) {
    if (buffer.subarray(buffer.length - k).equals(delimiter.subarray(0, k))) return k;
  }
  return 0;
}

/**
 * Twisted's `LineOnlyReceiver` with the §3.5 test protocol. With `keepMaxLengthLines`,
 * the one rule Torsion changes: trailing bytes of the unfinished line that could begin
 * the delimiter do not count towards its length.
 */
export function twistedLineOnlyReceiver(config: LineModelConfig, chunks: readonly Buffer[], keepMaxLengthLines = false): ModelRun {
  const { delimiter, maxLength } = config;
  const events: OracleEvent[] = [];
  const ends: number[] = [];
  let buffer: Buffer = Buffer.alloc(0);
  // The shortcut of the file's doc: chunks set aside after `buffer`, and the last
  // `delimiter.length - 1` bytes of the two.
  let parts: Buffer[] = [];
  let partsLength = 0;
  let tail: Buffer = Buffer.alloc(0);
  let closed = false;
  const exceeded = (data: Buffer): void => {
    events.push(["lineLengthExceeded", b64(data)], ["loseConnection"]);
    closed = true;
  };
  const dataReceived = (data: Buffer): void => {
    if (!completesDelimiter(tail, data, delimiter)) {
      const next = nextTail(tail, data, delimiter.length - 1);
      const length = buffer.length + partsLength + data.length;
      const counted = length - (keepMaxLengthLines ? partialDelimiter(next, delimiter) : 0);
      if (counted <= maxLength) {
        parts.push(data);
        partsLength += data.length;
        tail = next;
        return;
      }
    }
    const all = Buffer.concat([buffer, ...parts, data]);
    parts = [];
    partsLength = 0;
    splitLines(all);
    tail = lastBytes(buffer, delimiter.length - 1);
  };
  /** Twisted's `dataReceived` over the whole buffer. */
  const splitLines = (all: Buffer): void => {
    const lines: Buffer[] = [];
    let start = 0;
    for (let at = all.indexOf(delimiter); at >= 0; at = all.indexOf(delimiter, start)) {
      lines.push(all.subarray(start, at));
      start = at + delimiter.length;
    }
    buffer = all.subarray(start);
    for (const line of lines) {
      if (line.length > maxLength) {
        exceeded(line);
        return;
      }
      events.push(["line", b64(line)]);
    }
    const counted = buffer.length - (keepMaxLengthLines ? partialDelimiter(buffer, delimiter) : 0);
    if (counted > maxLength) exceeded(buffer);
  };
  for (const chunk of chunks) {
    dataReceived(chunk);
    ends.push(events.length);
    if (closed) break;
  }
  return { events, chunkEventEnds: ends };
}

/** Runs the model a framing vector's `config` names, or returns `undefined` for other classes. */
export function twistedLineModel(
  config: Readonly<Record<string, unknown>>,
  chunks: readonly Buffer[],
  keepMaxLengthLines = false,
): ModelRun | undefined {
  const model: LineModelConfig = {
    delimiter: Buffer.from(String(config.delimiter), "base64"),
    maxLength: config.MAX_LENGTH as number,
    rawScript: config.rawScript === true,
  };
  if (config.class === "LineReceiver") return twistedLineReceiver(model, chunks);
  if (config.class === "LineOnlyReceiver") return twistedLineOnlyReceiver(model, chunks, keepMaxLengthLines);
  return undefined;
}

/** The events with every `lineLengthExceeded` argument blanked (what must not depend on chunking). */
export function withoutExceededArguments(events: readonly OracleEvent[]): OracleEvent[] {
  return events.map((event) => (event[0] === "lineLengthExceeded" ? ["lineLengthExceeded"] : event));
}
