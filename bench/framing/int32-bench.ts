/**
 * Benchmark 2: Int32StringReceiver with 1 KiB frames fed in 64 KiB chunks, against a naive
 * concat-and-slice parser, same run; also verifies that every payload lying inside one
 * chunk is delivered without a copy (payload.buffer === chunk.buffer).
 */
import { Int32StringReceiver } from "@torsion/protocols";
import { makeResult, sideStats, type Result } from "../lib/result.js";
import { breathe, chunksOf, NullTransport, ROUNDS, timeSync, VOLUME_DIVISOR } from "./bench-support.js";

const PAYLOAD = 1024;
const FRAMES = (32 * 1024) / VOLUME_DIVISOR;
const CHUNK = 64 * 1024;

function makeStream(): Buffer {
  const frame = PAYLOAD + 4;
  const data = Buffer.alloc(FRAMES * frame);
  for (let i = 0; i < FRAMES; i += 1) {
    data.writeUInt32BE(PAYLOAD, i * frame);
    data.fill(i % 251, i * frame + 4, (i + 1) * frame);
  }
  return data;
}

interface ZeroCopy {
  frames: number;
  inside: number;
  zeroCopy: number;
}

class Counting extends Int32StringReceiver {
  frames = 0;
  current: Buffer | null = null;
  zero: ZeroCopy | null = null;
  override stringReceived(data: Buffer): void {
    this.frames += 1;
    const zero = this.zero;
    if (zero !== null && this.current !== null) {
      zero.frames += 1;
      if (data.buffer === this.current.buffer) zero.zeroCopy += 1;
    }
  }
}

function torsion(chunks: readonly Buffer[], zero: ZeroCopy | null = null): number {
  const protocol = new Counting();
  protocol.zero = zero;
  protocol.makeConnection(new NullTransport());
  for (const chunk of chunks) {
    protocol.current = chunk;
    protocol.dataReceived(chunk);
  }
  return protocol.frames;
}

function naive(chunks: readonly Buffer[]): number {
  let buffer = Buffer.alloc(0);
  let frames = 0;
  for (const chunk of chunks) {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4) {
      const length = buffer.readUInt32BE(0);
      if (buffer.length < 4 + length) break;
      const payload = buffer.subarray(4, 4 + length);
      frames += payload.length >= 0 ? 1 : 0;
      buffer = buffer.subarray(4 + length);
    }
  }
  return frames;
}

/** Frames that lie entirely inside one chunk, given the chunk size. */
function framesInsideOneChunk(): number {
  const frame = PAYLOAD + 4;
  let inside = 0;
  for (let i = 0; i < FRAMES; i += 1) {
    const start = i * frame + 4;
    if (Math.floor(start / CHUNK) === Math.floor((start + PAYLOAD - 1) / CHUNK)) inside += 1;
  }
  return inside;
}

/** Runs the Int32 benchmark. */
export async function runInt32Bench(): Promise<Result[]> {
  const chunks = chunksOf(makeStream(), CHUNK);
  const zero: ZeroCopy = { frames: 0, inside: framesInsideOneChunk(), zeroCopy: 0 };
  if (torsion(chunks, zero) !== FRAMES || naive(chunks) !== FRAMES) throw new Error("frame count mismatch");
  if (zero.zeroCopy !== zero.inside)
    throw new Error(`only ${zero.zeroCopy} of ${zero.inside} payloads inside one chunk were delivered without a copy`);
  const times = { torsion: [] as number[], naive: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const first = round % 2 === 0;
    for (const side of first ? (["torsion", "naive"] as const) : (["naive", "torsion"] as const)) {
      times[side].push(timeSync(() => (side === "torsion" ? torsion(chunks) : naive(chunks))));
      await breathe();
    }
  }
  const perSec = (t: readonly number[]): number[] => t.map((s) => FRAMES / s);
  const note = `${FRAMES} frames of ${PAYLOAD} B in 64 KiB chunks; zero-copy: ${zero.zeroCopy}/${zero.inside} payloads inside one chunk delivered as views (${FRAMES - zero.inside} span chunks and are copied once)`;
  return [
    makeResult(
      "framing",
      "int32-1k-vs-concat",
      "frames/s",
      sideStats(perSec(times.naive), 0),
      sideStats(perSec(times.torsion), 0),
      { op: ">=", value: 1 },
      note,
    ),
  ];
}
