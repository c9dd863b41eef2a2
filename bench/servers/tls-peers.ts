/**
 * TLS bench peers: echo servers (raw node:tls, Torsion listenSSL) and one node:tls load
 * generator used against every server (raw, Torsion, Python Twisted), TLS 1.3 with
 * TLS_AES_128_GCM_SHA256 only.
 *   tls-peers.js raw-server|torsion-server KEY CERT        prints "listening PORT"
 *   tls-peers.js client PORT CA WORKLOAD WARM DUR [PID]    prints {"ops":..,"seconds":..,"errors":..,"cpuSeconds":..}
 * With PID (the server's), the client reads the server's CPU time (/proc/PID/stat, user +
 * system) at the start and end of the measured window: `cpuSeconds` (null without it).
 * Workloads: pp50x64 (50 connections, one 64 B message in flight each: msg/s),
 * stream10x64k (10 connections streaming 64 KiB writes: MB/s), churn (connect, handshake,
 * one echo, close, 8 at a time: handshakes/s). Loopback only.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import tls from "node:tls";
import { NodeReactor } from "@torsion/reactor";
import { Factory, Protocol } from "@torsion/core";
import { CertificateOptions, listenSSL } from "@torsion/tls";

const CIPHERS = "TLS_AES_128_GCM_SHA256";
const [mode = "", a1 = "", a2 = "", a3 = "", a4 = "0.5", a5 = "1.5", a6 = ""] = process.argv.slice(2);

/** User + system CPU seconds of process `pid` (all threads), or null when unreadable. */
function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 (utime, stime) are at 11 and 12 after the command name.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux that Node supports. */
const CLOCK_TICKS = os.platform() === "linux" ? 100 : Number.NaN;

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }
}

function rawServer(key: string, cert: string): void {
  const server = tls.createServer(
    { key: readFileSync(key), cert: readFileSync(cert), minVersion: "TLSv1.3", ciphers: CIPHERS },
    (socket) => {
      socket.setNoDelay(true);
      socket.on("error", () => socket.destroy());
      socket.on("data", (d: Buffer) => socket.write(d));
      socket.on("end", () => socket.end());
    },
  );
  server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as { port: number }).port}`));
}

function torsionServer(key: string, cert: string): void {
  const reactor = new NodeReactor();
  const options = new CertificateOptions({
    privateKey: readFileSync(key),
    certificate: readFileSync(cert),
    minimumVersion: "TLSv1.3",
    acceptableCiphers: CIPHERS,
  });
  const port = listenSSL(reactor, 0, Factory.forProtocol(Echo), options, { interface: "127.0.0.1" });
  reactor.callWhenRunning(() => console.log(`listening ${(port.getHost() as unknown as { port: number }).port}`));
  void reactor.run();
}

function connect(port: number, ca: Buffer): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ca, minVersion: "TLSv1.3", ciphers: CIPHERS }, () =>
      resolve(socket),
    );
    socket.setNoDelay(true);
    socket.once("error", reject);
  });
}

async function client(port: number, ca: Buffer, workload: string, warm: number, dur: number, serverPid: number): Promise<void> {
  let ops = 0;
  let errors = 0;
  let counting = false;
  let running = true;
  const sockets: tls.TLSSocket[] = [];
  if (workload === "pp50x64" || workload === "stream10x64k") {
    const stream = workload === "stream10x64k";
    const chunk = Buffer.alloc(stream ? 64 * 1024 : 64, 7);
    for (let i = 0; i < (stream ? 10 : 50); i++) {
      const s = await connect(port, ca);
      sockets.push(s);
      let pending = 0;
      s.on("error", () => errors++);
      s.on("data", (d: Buffer) => {
        pending -= d.byteLength;
        if (counting) ops += stream ? d.byteLength : 0;
        if (!stream && pending <= 0) {
          if (counting) ops++;
          if (running) {
            pending += chunk.byteLength;
            s.write(chunk);
          }
        }
        if (stream && running && pending < 4 * chunk.byteLength) {
          pending += chunk.byteLength;
          s.write(chunk);
        }
      });
      const inflight = stream ? 4 : 1;
      for (let k = 0; k < inflight; k++) {
        pending += chunk.byteLength;
        s.write(chunk);
      }
    }
  } else {
    const loop = async (): Promise<void> => {
      while (running) {
        try {
          const s = await connect(port, ca);
          await new Promise<void>((resolve) => {
            s.once("data", () => resolve());
            s.write("x");
          });
          s.destroy();
          if (counting) ops++;
        } catch {
          errors++;
        }
      }
    };
    for (let i = 0; i < 8; i++) void loop();
  }
  await new Promise((r) => setTimeout(r, warm * 1000));
  counting = true;
  const cpuStart = serverPid > 0 ? cpuSecondsOf(serverPid) : null;
  const start = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, dur * 1000));
  counting = false;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuEnd = serverPid > 0 ? cpuSecondsOf(serverPid) : null;
  const cpuSeconds = cpuStart === null || cpuEnd === null ? null : cpuEnd - cpuStart;
  running = false;
  for (const s of sockets) s.destroy();
  const value = workload === "stream10x64k" ? ops / 1e6 : ops;
  console.log(JSON.stringify({ ops: value, seconds, errors, cpuSeconds }));
  setTimeout(() => process.exit(0), 100);
}

if (mode === "raw-server") rawServer(a1, a2);
else if (mode === "torsion-server") torsionServer(a1, a2);
else if (mode === "client") void client(Number(a1), readFileSync(a2), a3, Number(a4), Number(a5), Number(a6 || "0"));
else {
  console.error("usage: tls-peers.js raw-server|torsion-server KEY CERT | client PORT CA WORKLOAD WARM DUR [PID]");
  process.exitCode = 2;
}
