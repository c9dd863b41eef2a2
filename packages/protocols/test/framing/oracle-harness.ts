/**
 * Replay harness for the Twisted oracle vectors of the framing suites
 * (test/fixtures/twisted-oracle/*.json; rules in the oracle's FORMAT.md §3).
 */
import { readFileSync } from "node:fs";
import { IPv4Address, type CallbackResult, type IAddress, type IProducer, type ITCPTransport } from "@torsion/core";

export type OracleEvent = [string, ...(string | number)[]];

export interface FramingVector {
  readonly id: string;
  readonly kind: "valid" | "error";
  readonly category: string;
  readonly chunking: string | null;
  readonly config: Readonly<Record<string, unknown>>;
  readonly chunks: readonly string[];
  readonly chunkEventEnds?: readonly number[];
  readonly disconnectChunk?: number | null;
  readonly final?: Readonly<Record<string, number>>;
  readonly events: readonly OracleEvent[];
  readonly sendMethod?: string;
  readonly sends?: readonly string[];
  readonly sendEventEnds?: readonly number[];
}

/** Loads one framing suite from the repository's fixture copy. */
export function loadSuite(suite: string): FramingVector[] {
  const url = new URL(`../../../../test/fixtures/twisted-oracle/${suite}.json`, import.meta.url);
  const parsed = JSON.parse(readFileSync(url, "utf8")) as { suite: string; vectors: FramingVector[] };
  if (parsed.suite !== suite) throw new Error(`fixture ${suite} holds suite ${parsed.suite}`);
  return parsed.vectors;
}

export const b64 = (data: Uint8Array): string => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
export const unb64 = (text: string): Buffer => Buffer.from(text, "base64");

/** Collects the observable events of one run, in order. */
export class Recorder {
  readonly events: OracleEvent[] = [];
  /**
   * The same events in a chunking-independent form: a test protocol may record a
   * different `canonical` event (raw data is recorded as the bytes the raw block consumed).
   */
  readonly canonical: OracleEvent[] = [];
  record(event: OracleEvent, canonical: OracleEvent = event): void {
    this.events.push(event);
    this.canonical.push(canonical);
  }
}

/**
 * A fake transport as FORMAT.md §3.2 describes: `write`/`writeSequence` and
 * `loseConnection` are recorded (the latter also sets `disconnecting`); nothing else
 * happens, and the connection is never torn down.
 */
export class RecordingTransport implements ITCPTransport {
  disconnecting = false;
  readonly #recorder: Recorder;
  readonly #address: IAddress = new IPv4Address("TCP", "127.0.0.1", 0);

  constructor(recorder: Recorder) {
    this.#recorder = recorder;
  }

  write(data: Uint8Array): void {
    this.#recorder.record(["write", b64(data)]);
  }
  writeSequence(data: Iterable<Uint8Array>): void {
    this.#recorder.record(["write", b64(Buffer.concat([...data]))]);
  }
  loseConnection(): void {
    this.#recorder.record(["loseConnection"]);
    this.disconnecting = true;
  }
  getPeer(): IAddress {
    return this.#address;
  }
  getHost(): IAddress {
    return this.#address;
  }
  registerProducer(producer: IProducer, streaming: boolean): void {}
  unregisterProducer(): void {}
  pauseProducing(): void {}
  resumeProducing(): void {}
  stopProducing(): void {}
  loseWriteConnection(): void {}
  abortConnection(): void {
    this.disconnecting = true;
  }
  getTcpNoDelay(): boolean {
    return true;
  }
  setTcpNoDelay(enabled: boolean): void {}
  getTcpKeepAlive(): boolean {
    return false;
  }
  setTcpKeepAlive(enabled: boolean): void {}
}

/** A protocol under test, connected to a recording transport. */
export interface Subject {
  readonly recorder: Recorder;
  readonly transport: RecordingTransport;
  /** Feeds the protocol (whose handlers are synchronous: it returns `undefined`). */
  dataReceived(data: Buffer): CallbackResult;
  /** The `final` state as the vectors record it (per suite). */
  finalState(): Record<string, number> | undefined;
  /** Calls the vector's send method. */
  send(method: string, data: Buffer): void;
}

export type SubjectBuilder = (config: Readonly<Record<string, unknown>>) => Subject;

export interface ReplayResult {
  readonly events: OracleEvent[];
  readonly canonical: OracleEvent[];
  readonly chunkEventEnds: number[];
  readonly delivered: number;
  readonly final: Record<string, number> | undefined;
}

/**
 * Delivers `chunks` in order, stopping after chunk `stopAfter` when given, or else after
 * the first chunk during which the protocol called `loseConnection` when `stopAtOwnClose`.
 */
export function replay(
  build: SubjectBuilder,
  vector: FramingVector,
  chunks: readonly Buffer[],
  stop: { stopAfter?: number | null; stopAtOwnClose?: boolean },
): ReplayResult {
  const subject = build(vector.config);
  const ends: number[] = [];
  let delivered = 0;
  for (const [index, chunk] of chunks.entries()) {
    subject.dataReceived(chunk);
    ends.push(subject.recorder.events.length);
    delivered += 1;
    if (stop.stopAfter !== undefined && stop.stopAfter !== null && index >= stop.stopAfter) break;
    if (stop.stopAtOwnClose === true && subject.transport.disconnecting) break;
  }
  const recorder = subject.recorder;
  return { events: recorder.events, canonical: recorder.canonical, chunkEventEnds: ends, delivered, final: subject.finalState() };
}

/** The vector's chunks, decoded. */
export function vectorChunks(vector: FramingVector): Buffer[] {
  return vector.chunks.map(unb64);
}

/** Re-chunks the concatenation of `chunks` into pieces of `size` bytes (fresh buffers). */
export function rechunk(chunks: readonly Buffer[], size: number): Buffer[] {
  const all = Buffer.concat(chunks);
  const out: Buffer[] = [];
  for (let offset = 0; offset < all.length; offset += size) out.push(Buffer.from(all.subarray(offset, offset + size)));
  return out;
}

/** What Twisted recorded under the realistic rule (stop after `disconnectChunk`). */
export function realisticExpectation(vector: FramingVector): { events: readonly OracleEvent[]; chunkEventEnds: readonly number[] } {
  const ends = vector.chunkEventEnds ?? [];
  const dc = vector.disconnectChunk ?? null;
  if (dc === null) return { events: vector.events, chunkEventEnds: ends };
  return { events: vector.events.slice(0, ends[dc] ?? 0), chunkEventEnds: ends.slice(0, dc + 1) };
}

/** Runs a send vector: each entry through `sendMethod`, recording `raises` for throws. */
export function replaySends(build: SubjectBuilder, vector: FramingVector): { events: OracleEvent[]; ends: number[] } {
  const subject = build(vector.config);
  const ends: number[] = [];
  for (const entry of vector.sends ?? []) {
    try {
      subject.send(vector.sendMethod ?? "", unb64(entry));
    } catch (error) {
      subject.recorder.record(["raises", (error as Error).name]);
    }
    ends.push(subject.recorder.events.length);
  }
  return { events: subject.recorder.events, ends };
}

/**
 * The events of a run, up to and including the first `loseConnection`, with adjacent
 * events of type `mergeType` merged (for raw data, whose split depends on chunking).
 */
export function canonical(events: readonly OracleEvent[], mergeType?: string): OracleEvent[] {
  const out: OracleEvent[] = [];
  for (const event of events) {
    const last = out[out.length - 1];
    if (mergeType !== undefined && event[0] === mergeType && last?.[0] === mergeType) {
      out[out.length - 1] = [mergeType, b64(Buffer.concat([unb64(String(last[1])), unb64(String(event[1]))]))];
    } else {
      out.push(event);
    }
    if (event[0] === "loseConnection") break;
  }
  return out;
}
