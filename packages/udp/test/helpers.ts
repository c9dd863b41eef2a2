// Test helpers: a recording DatagramProtocol, raw sockets, bounded waits. The transport
// host is FakeTransportHost from @torsion/testing (clock-driven, recording).
import { createSocket } from "node:dgram";
import type { Socket } from "node:dgram";
import { DatagramProtocol } from "@torsion/core";
import type { IAddress } from "@torsion/core";
import { ipLiteralLookup } from "@torsion/udp/internal";

/** Rejects if `promise` has not settled within `ms`. */
export async function within<T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `condition()` holds, polling every few ms; rejects after `ms`. */
export async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Lets pending I/O run for a few event-loop turns (each has a poll phase), with no fixed
 * sleep: a loopback datagram is in the receiver's queue when `send` returns, so one that
 * is going to be delivered is delivered within these turns (used to show that something
 * did NOT happen).
 */
export async function ioTurns(turns = 4): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A DatagramProtocol that records everything that happens to it. */
export class RecordingProtocol extends DatagramProtocol {
  readonly datagrams: { data: Buffer; addr: IAddress }[] = [];
  readonly events: string[] = [];
  refusals = 0;
  /** When set, datagramReceived calls it (e.g. to echo or to throw). */
  onDatagram: ((data: Buffer, addr: IAddress) => void) | null = null;

  override startProtocol(): void {
    this.events.push("start");
  }
  override stopProtocol(): void {
    this.events.push("stop");
  }
  override datagramReceived(data: Buffer, addr: IAddress): void {
    this.datagrams.push({ data, addr });
    this.onDatagram?.(data, addr);
  }
  override connectionRefused(): void {
    this.refusals++;
  }
}

/**
 * A raw node:dgram socket bound on loopback port 0 (close it with `closeRaw`). It uses the
 * synchronous IP-literal lookup, so `send` hands the datagram to the kernel before it returns.
 */
export function rawSocket(family: "udp4" | "udp6"): Promise<Socket> {
  const socket = createSocket({ type: family, lookup: ipLiteralLookup });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, family === "udp4" ? "127.0.0.1" : "::1", () => {
      socket.removeListener("error", reject);
      resolve(socket);
    });
  });
}

/** Closes a raw socket if it is still open. */
export function closeRaw(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // already closed
  }
}

/** A loopback UDP port number with nothing bound to it (bound once, then closed). */
export async function unusedPort(family: "udp4" | "udp6"): Promise<number> {
  const socket = await rawSocket(family);
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
