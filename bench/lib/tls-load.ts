/**
 * The TLS benchmark's peers as functions (used by `servers/tls-peers.ts` in their own
 * processes, and in the bench driver's process by the smoke run): a raw `node:tls` echo
 * server, Torsion's `listenSSL` echo server, and one `node:tls` load generator used against
 * every server. TLS 1.3 with TLS_AES_128_GCM_SHA256 only; loopback only.
 *
 * Workloads: `pp50x64` (50 connections, one 64 B message in flight each; an op is a
 * message), `stream10x64k` (10 connections, four 64 KiB writes in flight each; an op is
 * a MB echoed), `churn` (8 loops of connect, handshake, one 1-byte echo, close; an op is a
 * handshake). A load run is timed (warm-up, then a measured window) or counted (it stops
 * after a number of ops, for smoke runs); every loop is bounded either way.
 */
import tls from "node:tls";
import type { IReactorTime, ITransportHost } from "@torsion/core";
import { Factory, Protocol } from "@torsion/core";
import { CertificateOptions, listenSSL } from "@torsion/tls";

/** The only cipher suite offered by either side. */
export const TLS_CIPHERS = "TLS_AES_128_GCM_SHA256";

/** The workloads of the TLS bench. */
export const TLS_WORKLOADS = ["pp50x64", "stream10x64k", "churn"] as const;
/** One TLS workload. */
export type TLSWorkload = (typeof TLS_WORKLOADS)[number];

/** A started echo server. */
export interface TLSEchoServer {
  readonly port: number;
  close(): Promise<void>;
}

/** `net.createServer`-style raw `node:tls` echo server on 127.0.0.1, port 0. */
export function startRawTLSServer(key: Buffer, cert: Buffer): Promise<TLSEchoServer> {
  const server = tls.createServer({ key, cert, minVersion: "TLSv1.3", ciphers: TLS_CIPHERS }, (socket) => {
    socket.setNoDelay(true);
    socket.on("error", () => socket.destroy());
    socket.on("data", (d: Buffer) => socket.write(d));
    socket.on("end", () => socket.end());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as { port: number }).port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }
}

/** Torsion's echo server: `listenSSL` with a `CertificateOptions`, on 127.0.0.1, port 0. */
export function startTorsionTLSServer(reactor: ITransportHost & IReactorTime, key: Buffer, cert: Buffer): TLSEchoServer {
  const options = new CertificateOptions({ privateKey: key, certificate: cert, minimumVersion: "TLSv1.3", acceptableCiphers: TLS_CIPHERS });
  const port = listenSSL(reactor, 0, Factory.forProtocol(Echo), options, { interface: "127.0.0.1" });
  return {
    port: (port.getHost() as unknown as { port: number }).port,
    close: () => new Promise<void>((done) => void port.stopListening().addBoth(() => done())),
  };
}

/** How long a load run goes: timed (seconds) or counted (ops). */
export type LoadLimit = { readonly warm: number; readonly dur: number } | { readonly count: number };

/** What a load run measured. */
export interface LoadOutcome {
  /** Ops in the measured window (MB for `stream10x64k`). */
  readonly ops: number;
  readonly seconds: number;
  readonly errors: number;
}

function connect(port: number, ca: Buffer): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ca, minVersion: "TLSv1.3", ciphers: TLS_CIPHERS }, () =>
      resolve(socket),
    );
    socket.setNoDelay(true);
    socket.once("error", reject);
    socket.once("close", () => reject(new Error("closed before the handshake completed")));
  });
}

/** Smoke runs use fewer connections (a TLS handshake each) than timed runs. */
function connectionsOf(workload: TLSWorkload, counted: boolean): number {
  if (workload === "pp50x64") return counted ? 2 : 50;
  if (workload === "stream10x64k") return counted ? 2 : 10;
  return counted ? 2 : 8;
}

/** State shared by the connections of one load run. */
class LoadRun {
  ops = 0;
  errors = 0;
  counting = false;
  running = true;
  readonly sockets = new Set<tls.TLSSocket>();
  #stop: (() => void) | null = null;
  readonly #count: number;

  constructor(count: number) {
    this.#count = count;
  }

  /** Counts `n` ops in the window; a counted run stops at its count. */
  add(n: number): void {
    if (!this.counting) return;
    this.ops += n;
    if (this.ops >= this.#count) this.#stop?.();
  }

  /** Resolves after `seconds`, or once the count is reached. */
  window(seconds: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#stop?.(), seconds * 1000);
      this.#stop = () => {
        clearTimeout(timer);
        this.#stop = null;
        resolve();
      };
    });
  }
}

async function echoConnections(run: LoadRun, port: number, ca: Buffer, workload: TLSWorkload, connections: number): Promise<void> {
  const stream = workload === "stream10x64k";
  const chunk = Buffer.alloc(stream ? 64 * 1024 : 64, 7);
  const inflight = stream ? 4 : 1;
  for (let i = 0; i < connections; i++) {
    const s = await connect(port, ca);
    run.sockets.add(s);
    let pending = 0;
    s.on("error", () => run.errors++);
    s.on("data", (d: Buffer) => {
      pending -= d.byteLength;
      if (stream) {
        run.add(d.byteLength / 1e6);
        if (run.running && pending < inflight * chunk.byteLength) {
          pending += chunk.byteLength;
          s.write(chunk);
        }
      } else if (pending <= 0) {
        run.add(1);
        if (run.running) {
          pending += chunk.byteLength;
          s.write(chunk);
        }
      }
    });
    for (let k = 0; k < inflight; k++) {
      pending += chunk.byteLength;
      s.write(chunk);
    }
  }
}

function churnLoops(run: LoadRun, port: number, ca: Buffer, loops: number): Promise<void>[] {
  const loop = async (): Promise<void> => {
    while (run.running) {
      try {
        const s = await connect(port, ca);
        run.sockets.add(s);
        await new Promise<void>((resolve) => {
          s.once("data", () => resolve());
          s.once("close", () => resolve());
          s.write("x");
        });
        s.destroy();
        run.sockets.delete(s);
        run.add(1);
      } catch {
        if (run.running) run.errors++;
      }
    }
  };
  return Array.from({ length: loops }, () => loop());
}

/**
 * Drives `workload` against the server at `port`; `onWindow` is called as the measured
 * window opens and closes (the bench's CPU readings of the server).
 */
export async function runTLSLoad(
  port: number,
  ca: Buffer,
  workload: TLSWorkload,
  limit: LoadLimit,
  onWindow: (edge: "start" | "end") => void = () => {},
): Promise<LoadOutcome> {
  const counted = "count" in limit;
  const run = new LoadRun(counted ? limit.count : Number.POSITIVE_INFINITY);
  const connections = connectionsOf(workload, counted);
  let loops: Promise<void>[] = [];
  const done = run.window(counted ? 60 : limit.warm + limit.dur + 60);
  if (workload === "churn") loops = churnLoops(run, port, ca, connections);
  else await echoConnections(run, port, ca, workload, connections);
  if (!counted) await new Promise((r) => setTimeout(r, limit.warm * 1000));
  run.counting = true;
  onWindow("start");
  const start = process.hrtime.bigint();
  await (counted ? done : run.window(limit.dur));
  run.counting = false;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  onWindow("end");
  run.running = false;
  for (const s of run.sockets) s.destroy();
  await Promise.all(loops);
  return { ops: run.ops, seconds, errors: run.errors };
}
