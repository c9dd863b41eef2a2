/**
 * Benchmark 1: LineReceiver parsing 100-byte lines (98 bytes + CRLF) fed in 64 KiB chunks,
 * against `node:readline` over a Readable of the same chunks ('line' events) and against a
 * naive split-based parser, in the same run, rounds interleaved with the order rotated.
 */
import { once } from "node:events";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { LineReceiver } from "@torsion/protocols";
import { makeResult, sideStats, type Result } from "../lib/result.js";
import { breathe, chunksOf, NullTransport, ROUNDS, timeAsync, timeSync, VOLUME_DIVISOR } from "./bench-support.js";

const LINE = 100;
const TOTAL = (32 * 1024 * 1024) / VOLUME_DIVISOR;
const CHUNK = 64 * 1024;

function makeStream(): Buffer {
  const lines = Math.floor(TOTAL / LINE);
  const data = Buffer.alloc(lines * LINE);
  for (let i = 0; i < lines; i += 1) {
    const at = i * LINE;
    for (let j = 0; j < LINE - 2; j += 1) data[at + j] = 0x61 + ((i + j) % 26);
    data[at + LINE - 2] = 0x0d;
    data[at + LINE - 1] = 0x0a;
  }
  return data;
}

class Counting extends LineReceiver {
  lines = 0;
  bytes = 0;
  override lineReceived(line: Buffer): void {
    this.lines += 1;
    this.bytes += line.length;
  }
}

function torsion(chunks: readonly Buffer[]): number {
  const protocol = new Counting();
  protocol.makeConnection(new NullTransport());
  for (const chunk of chunks) protocol.dataReceived(chunk);
  return protocol.lines;
}

async function readline(chunks: readonly Buffer[]): Promise<number> {
  const rl = createInterface({ input: Readable.from(chunks, { objectMode: false }), crlfDelay: Infinity });
  let lines = 0;
  rl.on("line", () => {
    lines += 1;
  });
  await once(rl, "close");
  return lines;
}

function naiveSplit(chunks: readonly Buffer[]): number {
  let rest = "";
  let lines = 0;
  for (const chunk of chunks) {
    const parts = (rest + chunk.toString("latin1")).split("\r\n");
    rest = parts.pop() ?? "";
    lines += parts.length;
  }
  return lines;
}

/** Runs the line benchmark; returns the two Results (vs readline, vs naive split). */
export async function runLineBench(): Promise<Result[]> {
  const data = makeStream();
  const expected = data.length / LINE;
  const chunks = chunksOf(data, CHUNK);
  const times: Record<"torsion" | "readline" | "split", number[]> = { torsion: [], readline: [], split: [] };
  const check = (name: string, lines: number): void => {
    if (lines !== expected) throw new Error(`${name} counted ${lines} lines, expected ${expected}`);
  };
  const runs: Record<keyof typeof times, () => Promise<number>> = {
    torsion: async () => timeSync(() => check("LineReceiver", torsion(chunks))),
    readline: () => timeAsync(async () => check("readline", await readline(chunks))),
    split: async () => timeSync(() => check("split", naiveSplit(chunks))),
  };
  torsion(chunks);
  naiveSplit(chunks);
  const order = Object.keys(runs) as (keyof typeof times)[];
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let k = 0; k < order.length; k += 1) {
      const name = order[(round + k) % order.length] as keyof typeof times;
      times[name].push(await runs[name]());
      await breathe();
    }
  }
  const linesPerSec = (t: readonly number[]): number[] => t.map((s) => expected / s);
  const mbPerSec = (t: readonly number[]): number => data.length / 1e6 / (median(t) ?? Infinity);
  const note = `${(data.length / 1e6).toFixed(1)} MB of ${LINE}-byte lines in 64 KiB chunks; MB/s: LineReceiver ${mbPerSec(times.torsion).toFixed(0)}, readline ${mbPerSec(times.readline).toFixed(0)}, split ${mbPerSec(times.split).toFixed(0)}`;
  return [
    makeResult(
      "framing",
      "lines100-vs-readline",
      "lines/s",
      sideStats(linesPerSec(times.readline), 0),
      sideStats(linesPerSec(times.torsion), 0),
      { op: ">=", value: 2 },
      note,
    ),
    makeResult(
      "framing",
      "lines100-vs-split",
      "lines/s",
      sideStats(linesPerSec(times.split), 0),
      sideStats(linesPerSec(times.torsion), 0),
      null,
      "raw = naive string split parser",
    ),
  ];
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}
