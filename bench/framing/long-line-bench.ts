/**
 * Benchmark 3: one long line arriving one byte at a time (1 MB, then 4 MB; MAX_LENGTH
 * 8 MiB). Linear parsing takes ~4x as long for 4 MB as for 1 MB; concatenate-and-rescan
 * would take ~16x. Reported as t(4 MB) against 4 x t(1 MB) (ratio ~1 when linear).
 */
import { LineReceiver } from "@torsion/protocols";
import { makeResult, sideStats, type Result } from "../lib/result.js";
import { breathe, NullTransport, ROUNDS, timeSync } from "./bench-support.js";

const MB = 1024 * 1024;

class LongLine extends LineReceiver {
  override MAX_LENGTH = 8 * MB;
  received = -1;
  override lineReceived(line: Buffer): void {
    this.received = line.length;
  }
}

/** Seconds to receive a `size`-byte line one byte per dataReceived (plus the CRLF). */
function oneByteAtATime(size: number, bytes: readonly Buffer[]): number {
  const protocol = new LongLine();
  protocol.makeConnection(new NullTransport());
  const seconds = timeSync(() => {
    for (let i = 0; i < size; i += 1) protocol.dataReceived(bytes[i % bytes.length] as Buffer);
    protocol.dataReceived(Buffer.from("\r\n"));
  });
  if (protocol.received !== size) throw new Error(`received a line of ${protocol.received} bytes, expected ${size}`);
  return seconds;
}

/** Runs the long-line benchmark. */
export async function runLongLineBench(): Promise<Result[]> {
  const bytes = Array.from({ length: 256 }, (_, i) => Buffer.from([0x61 + (i % 26)]));
  oneByteAtATime(MB / 4, bytes);
  const t1: number[] = [];
  const t4: number[] = [];
  const rounds = Math.min(ROUNDS, 3);
  for (let round = 0; round < rounds; round += 1) {
    t1.push(oneByteAtATime(MB, bytes));
    await breathe();
    t4.push(oneByteAtATime(4 * MB, bytes));
    await breathe();
  }
  const m1 = median(t1);
  const m4 = median(t4);
  const note = `1 MB line: ${m1.toFixed(3)} s; 4 MB line: ${m4.toFixed(3)} s; t4/t1 = ${(m4 / m1).toFixed(2)} (4 = linear, 16 = quadratic)`;
  return [
    makeResult(
      "framing",
      "longline-1byte-4MB-vs-4x1MB",
      "s",
      sideStats(
        t1.map((t) => 4 * t),
        0,
      ),
      sideStats(t4, 0),
      { op: "<=", value: 1.5 },
      note,
    ),
  ];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
