/**
 * Shared pieces of the framing benchmarks: a no-op transport to connect protocols to,
 * timing, round control, and the Result helpers of bench/lib.
 */
import { IPv4Address, type IAddress, type IProducer, type ITCPTransport } from "@torsion/core";

/** Rounds per benchmark (env FRAMING_ROUNDS or ROUNDS). @default 5 */
export const ROUNDS = Math.max(1, Number(process.env.FRAMING_ROUNDS ?? process.env.ROUNDS ?? 5));

/** Divides the data volumes of the throughput benchmarks: 8 in smoke mode (BENCH_SMOKE=1), else 1. */
export const VOLUME_DIVISOR = process.env.BENCH_SMOKE === "1" ? 8 : 1;

/** A transport that accepts everything and does nothing: the protocol runs alone. */
export class NullTransport implements ITCPTransport {
  disconnecting = false;
  readonly #address: IAddress = new IPv4Address("TCP", "127.0.0.1", 0);
  write(data: Uint8Array): void {}
  writeSequence(data: Iterable<Uint8Array>): void {}
  loseConnection(): void {
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

/** Seconds taken by `run` (synchronous). */
export function timeSync(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Seconds taken by `run` (asynchronous). */
export async function timeAsync(run: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Splits `data` into chunks of `size` bytes, each a fresh Buffer (as a socket delivers). */
export function chunksOf(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) out.push(Buffer.from(data.subarray(at, at + size)));
  return out;
}

/** Lets timers and I/O run between rounds (and the GC settle). */
export function breathe(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}
