/**
 * Test helpers: recording protocols and factories, and bounded waiting. The transport
 * host is `FakeTransportHost` from @torsion/testing (clock-driven, recording).
 */
import { ClientFactory, Factory, Protocol, type CallbackResult, type IConnector } from "@torsion/core";
import type { Failure } from "@torsion/defer";

/**
 * Lets pending I/O run for a few event-loop turns (each turn has a poll phase), with no
 * fixed sleep. On loopback a write reaches the peer's socket within the call, so data or
 * a close that is going to be delivered is delivered within these turns: a test uses it
 * to show that something did NOT happen.
 */
export async function ioTurns(turns = 4): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Resolves once `predicate()` is true; rejects after `timeoutMs` (checks every turn). */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** A protocol that records everything that happens to it. */
export class Recorder extends Protocol {
  readonly events: string[] = [];
  readonly chunks: Buffer[] = [];
  received = 0;
  reason: Failure | null = null;
  lostCount = 0;
  onData: ((data: Buffer) => void) | null = null;
  onMade: (() => void) | null = null;

  override connectionMade(): CallbackResult {
    this.events.push("connectionMade");
    this.onMade?.();
  }

  override dataReceived(data: Buffer): CallbackResult {
    if (this.events[this.events.length - 1] !== "dataReceived") this.events.push("dataReceived");
    this.chunks.push(data);
    this.received += data.length;
    this.onData?.(data);
  }

  override connectionLost(reason: Failure): CallbackResult {
    this.events.push("connectionLost");
    this.lostCount++;
    this.reason = reason;
  }

  /** All bytes received so far, concatenated. */
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** A recorder that implements IHalfCloseableProtocol. */
export class HalfCloseRecorder extends Recorder {
  readonly halfEvents: string[] = [];
  readConnectionLost(): CallbackResult {
    this.events.push("readConnectionLost");
    this.halfEvents.push("readConnectionLost");
  }
  writeConnectionLost(): CallbackResult {
    this.events.push("writeConnectionLost");
    this.halfEvents.push("writeConnectionLost");
  }
}

/** An echo protocol. */
export class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport?.write(data);
  }
}

/** A server factory that keeps every protocol it built. */
export class RecordingFactory<P extends Protocol> extends Factory<P> {
  readonly built: P[] = [];
  readonly log: string[] = [];
  constructor(protocol: new () => P) {
    super();
    this.protocol = protocol;
    this.noisy = false;
  }
  override buildProtocol(addr: Parameters<Factory<P>["buildProtocol"]>[0]): P | null {
    const p = super.buildProtocol(addr);
    if (p !== null) this.built.push(p);
    return p;
  }
  override startFactory(): void {
    this.log.push("startFactory");
  }
  override stopFactory(): void {
    this.log.push("stopFactory");
  }
}

/** A client factory that logs the exact order of its own and its protocols' events. */
export class OrderFactory<P extends Recorder = Recorder> extends ClientFactory<P> {
  readonly log: string[] = [];
  readonly built: P[] = [];
  failure: Failure | null = null;
  lost: Failure | null = null;
  constructor(protocol: new () => P) {
    super();
    this.protocol = protocol;
    this.noisy = false;
  }
  override doStart(): void {
    this.log.push("doStart");
    super.doStart();
  }
  override doStop(): void {
    this.log.push("doStop");
    super.doStop();
  }
  override startedConnecting(connector: IConnector): void {
    this.log.push("startedConnecting");
  }
  override buildProtocol(addr: Parameters<Factory<P>["buildProtocol"]>[0]): P | null {
    this.log.push("buildProtocol");
    const p = super.buildProtocol(addr);
    if (p !== null) {
      this.built.push(p);
      const log = this.log;
      p.onMade = () => log.push("connectionMade");
      const lost = p.connectionLost.bind(p);
      p.connectionLost = (reason: Failure) => {
        log.push("connectionLost");
        return lost(reason);
      };
      p.onData = () => {
        if (log[log.length - 1] !== "dataReceived") log.push("dataReceived");
      };
    }
    return p;
  }
  override clientConnectionFailed(connector: IConnector, reason: Failure): void {
    this.log.push("clientConnectionFailed");
    this.failure = reason;
  }
  override clientConnectionLost(connector: IConnector, reason: Failure): void {
    this.log.push("clientConnectionLost");
    this.lost = reason;
  }
}

/** A deterministic byte pattern of `size` bytes (differs with `seed`). */
export function pattern(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
