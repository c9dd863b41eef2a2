/** Protocols and factories shared by the TLS tests. */
import { ClientFactory, Protocol, type IAddress, type IConnector, type IProtocol } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import type { TLSError } from "@torsion/tls";

/** Records everything that happens to it; can echo. */
export class TLSRecorder extends Protocol {
  readonly events: string[] = [];
  readonly chunks: Buffer[] = [];
  received = 0;
  reason: Failure | null = null;
  echo = false;
  greeting: Buffer | null = null;
  readonly #lost: Promise<Failure>;
  #resolveLost!: (f: Failure) => void;
  readonly #secure: Promise<void>;
  #resolveSecure!: () => void;

  constructor() {
    super();
    this.#lost = new Promise((resolve) => (this.#resolveLost = resolve));
    this.#secure = new Promise((resolve) => (this.#resolveSecure = resolve));
  }

  override connectionMade(): void {
    this.events.push("connectionMade");
    if (this.greeting !== null) this.transport?.write(this.greeting);
  }

  handshakeCompleted(): void {
    this.events.push("handshakeCompleted");
    this.#resolveSecure();
  }

  override dataReceived(data: Buffer): void {
    if (!this.events.includes("data")) this.events.push("data");
    this.received += data.byteLength;
    if (this.echo) this.transport?.write(data);
    else this.chunks.push(data);
  }

  override connectionLost(reason: Failure): void {
    this.events.push("connectionLost");
    this.reason = reason;
    this.#resolveLost(reason);
  }

  text(): string {
    return Buffer.concat(this.chunks).toString();
  }

  lost(): Promise<Failure> {
    return this.#lost;
  }

  secure(): Promise<void> {
    return this.#secure;
  }
}

/** A factory that keeps what it built and hears TLS failures. */
export class KeepingFactory<P extends IProtocol> extends ClientFactory<P> {
  readonly built: P[] = [];
  readonly tlsFailures: TLSError[] = [];
  readonly lostReasons: Failure[] = [];
  readonly failedReasons: Failure[] = [];
  readonly #make: () => P;

  constructor(make: () => P) {
    super();
    this.#make = make;
  }

  override buildProtocol(_addr: IAddress): P {
    const p = this.#make();
    this.built.push(p);
    return p;
  }

  handshakeFailed(error: TLSError): void {
    this.tlsFailures.push(error);
  }

  override clientConnectionLost(_connector: IConnector, reason: Failure): void {
    this.lostReasons.push(reason);
  }

  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    this.failedReasons.push(reason);
  }
}

/** Waits for `until()` (bounded). */
export async function waitFor(until: () => boolean, what: string, seconds = 10): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!until()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A pattern of `n` bytes that shows misordering. */
export function pattern(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 8)) & 0xff;
  return b;
}
