// The C10K load generator: opens CONNS TCP connections to 127.0.0.1:PORT (OPEN_CONCURRENCY
// at a time), then every connection sends one 64 B message per second, the connections'
// send times spread evenly over the second, and checks each echo byte for byte.
//   node bench/dist/clients/c10k-client.js PORT CONNS WARM_S DUR_S
// Prints "measure-start" and "measure-end" lines around the measured window (the driver
// samples the server's CPU and memory there), then one JSON line with the figures.
// A connection whose previous message is not back when its next is due skips a beat
// (counted as "late"). Loopback only; bounded in count and time.
import net from "node:net";

const [portArg, connsArg, warmArg, durArg] = process.argv.slice(2);
const PORT = Number(portArg);
const CONNS = Number(connsArg);
const WARM_MS = Number(warmArg) * 1000;
const DUR_MS = Number(durArg) * 1000;
const SIZE = 64;
const OPEN_CONCURRENCY = 200;
const OPEN_TIMEOUT_MS = 60_000;

interface Conn {
  readonly socket: net.Socket;
  readonly phaseMs: number;
  readonly message: Buffer;
  sentAt: bigint | null;
  got: number;
}

const conns: Conn[] = [];
const latenciesUs: number[] = [];
let measuring = false;
let sent = 0;
let late = 0;
let mismatches = 0;
let errors = 0;

function messageFor(id: number): Buffer {
  const b = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) b[i] = (id * 31 + i * 7) & 0xff;
  return b;
}

function open(id: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port: PORT });
    const conn: Conn = { socket, phaseMs: (id * 1000) / CONNS, message: messageFor(id), sentAt: null, got: 0 };
    socket.setNoDelay(true);
    socket.once("connect", () => {
      conns.push(conn);
      resolve();
    });
    socket.on("error", (e) => {
      errors += 1;
      reject(e);
    });
    socket.on("data", (d: Buffer) => {
      for (let i = 0; i < d.length; i++) if (d[i] !== conn.message[(conn.got + i) % SIZE]) mismatches += 1;
      conn.got += d.length;
      if (conn.got >= SIZE && conn.sentAt !== null) {
        if (measuring) latenciesUs.push(Number(process.hrtime.bigint() - conn.sentAt) / 1000);
        conn.got -= SIZE;
        conn.sentAt = null;
      }
    });
  });
}

async function openAll(): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < CONNS) {
      const id = next++;
      await open(id);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`could not open ${CONNS} connections in ${OPEN_TIMEOUT_MS} ms`)), OPEN_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, CONNS) }, lane)), limit]);
  } finally {
    clearTimeout(timer);
  }
}

function pct(sorted: readonly number[], p: number): number | null {
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function main(): Promise<void> {
  await openAll();
  conns.sort((a, b) => a.phaseMs - b.phaseMs);
  const t0 = Date.now();
  let cursor = 0;
  let lastSecond = 0;
  const tick = (): void => {
    const elapsed = Date.now() - t0;
    const second = Math.floor(elapsed / 1000);
    if (second !== lastSecond) {
      // send whatever of the last second was not sent yet, then start the next one
      for (; cursor < conns.length; cursor++) fire(conns[cursor]!);
      cursor = 0;
      lastSecond = second;
    }
    const within = elapsed % 1000;
    while (cursor < conns.length && conns[cursor]!.phaseMs <= within) fire(conns[cursor++]!);
  };
  const fire = (c: Conn): void => {
    if (c.sentAt !== null) {
      late += 1;
      return;
    }
    c.sentAt = process.hrtime.bigint();
    c.socket.write(c.message);
    if (measuring) sent += 1;
  };
  const timer = setInterval(tick, 5);
  await new Promise((r) => setTimeout(r, WARM_MS));
  measuring = true;
  late = 0;
  console.log("measure-start");
  await new Promise((r) => setTimeout(r, DUR_MS));
  measuring = false;
  console.log("measure-end");
  clearInterval(timer);
  await new Promise((r) => setTimeout(r, 200));
  const sorted = [...latenciesUs].sort((a, b) => a - b);
  const ok = errors === 0 && mismatches === 0 && latenciesUs.length > 0;
  console.log(
    JSON.stringify({
      ok,
      conns: conns.length,
      sent,
      received: latenciesUs.length,
      late,
      mismatches,
      errors,
      p50_us: pct(sorted, 0.5),
      p99_us: pct(sorted, 0.99),
    }),
  );
  for (const c of conns) c.socket.destroy();
}

main().catch((e: unknown) => {
  console.log(JSON.stringify({ ok: false, error: e instanceof Error ? e.message : String(e), conns: conns.length }));
  process.exitCode = 1;
  for (const c of conns) c.socket.destroy();
});
