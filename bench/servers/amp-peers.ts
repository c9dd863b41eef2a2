/**
 * Processes of the AMP benchmark (bench/amp.ts), one role per invocation:
 *   amp-peers.js torsion-server            Torsion AMP server answering Sum; prints "listening PORT"
 *   amp-peers.js torsion-client PORT WARM DUR INFLIGHT
 *   amp-peers.js jsonl-server              the baseline: JSON-lines RPC over raw node:net
 *   amp-peers.js jsonl-client PORT WARM DUR INFLIGHT
 *   amp-peers.js codec DUR                 box encode/decode MB/s, in process
 * Clients keep INFLIGHT calls outstanding, check every answer, count answers during DUR
 * seconds after WARM seconds, and print one JSON line {calls, seconds, errors, clientCpuUsPerCall}
 * (the client process's CPU µs per answer in the measured window).
 */
import net from "node:net";
import { AMP, AmpBox, BinaryBoxDecoder, ClientFactory, Command, Factory, Integer } from "torsion";
import { NodeReactor } from "@torsion/reactor";

const Sum = Command.define({ commandName: "Sum", arguments: { a: Integer(), b: Integer() }, response: { total: Integer() } });

/** What a client measured: answers and seconds in the measured window, and its own CPU µs in it. */
interface Window {
  readonly calls: number;
  readonly seconds: number;
  readonly cpuUs: number;
}

function counter(warm: number, dur: number, done: (window: Window) => void): () => void {
  const start = performance.now();
  let measuring = false;
  let calls = 0;
  let measureStart = 0;
  let cpuStart = 0;
  return () => {
    const now = performance.now();
    if (!measuring && now - start >= warm * 1000) {
      measuring = true;
      measureStart = now;
      const cpu = process.cpuUsage();
      cpuStart = cpu.user + cpu.system;
    }
    if (!measuring) return;
    calls += 1;
    if (now - measureStart >= dur * 1000) {
      measuring = false;
      const cpu = process.cpuUsage();
      done({ calls, seconds: (now - measureStart) / 1000, cpuUs: cpu.user + cpu.system - cpuStart });
      calls = -Infinity;
    }
  };
}

/** Prints the client's JSON line: `{calls, seconds, errors, clientCpuUsPerCall}`, then exits. */
function report({ calls, seconds, cpuUs }: Window, errors: number): void {
  const clientCpuUsPerCall = calls > 0 ? cpuUs / calls : 0;
  process.stdout.write(`${JSON.stringify({ calls, seconds, errors, clientCpuUsPerCall })}\n`);
  process.exit(errors === 0 ? 0 : 1);
}

function torsionServer(): void {
  const reactor = new NodeReactor({ installSignalHandlers: false });
  class SumServer extends AMP {
    constructor() {
      super();
      this.responder(Sum, ({ a, b }) => ({ total: a + b }));
    }
  }
  const port = reactor.listenTCP(0, Factory.forProtocol(SumServer), { interface: "127.0.0.1" });
  console.log(`listening ${(port.getHost() as unknown as { port: number }).port}`);
  process.on("SIGTERM", () => process.exit(0));
}

function torsionClient(port: number, warm: number, dur: number, inflight: number): void {
  const reactor = new NodeReactor({ installSignalHandlers: false });
  let errors = 0;
  let seq = 0;
  const tick = counter(warm, dur, (window) => report(window, errors));
  class SumClient extends AMP {
    override connectionMade(): void {
      super.connectionMade();
      for (let i = 0; i < inflight; i += 1) this.#call();
    }
    #call(): void {
      const a = seq++;
      this.callRemote(Sum, { a, b: 1 }).addCallbacks(
        ({ total }) => {
          if (total !== a + 1) errors += 1;
          tick();
          this.#call();
        },
        () => {
          errors += 1;
        },
      );
    }
  }
  reactor.connectTCP("127.0.0.1", port, ClientFactory.forProtocol(SumClient));
}

function jsonlServer(): void {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    let pending = "";
    socket.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      let end = pending.indexOf("\n");
      let out = "";
      while (end >= 0) {
        const { id, a, b } = JSON.parse(pending.slice(0, end)) as { id: number; a: number; b: number };
        out += `${JSON.stringify({ id, total: a + b })}\n`;
        pending = pending.slice(end + 1);
        end = pending.indexOf("\n");
      }
      if (out !== "") socket.write(out);
    });
    socket.on("error", () => socket.destroy());
  });
  server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as net.AddressInfo).port}`));
  process.on("SIGTERM", () => process.exit(0));
}

function jsonlClient(port: number, warm: number, dur: number, inflight: number): void {
  let errors = 0;
  let seq = 0;
  const waiting = new Map<number, number>();
  const tick = counter(warm, dur, (window) => report(window, errors));
  const socket = net.connect({ host: "127.0.0.1", port }, () => {
    socket.setNoDelay(true);
    for (let i = 0; i < inflight; i += 1) call();
  });
  // Requests made while one received chunk is handled are written together, as the Torsion
  // AMP client does (coalesceWrites), so both sides make the same number of writes.
  let out: string | null = null;
  const call = (): void => {
    const id = seq++;
    waiting.set(id, id + 1);
    const line = `${JSON.stringify({ id, a: id, b: 1 })}\n`;
    if (out === null) socket.write(line);
    else out += line;
  };
  let pending = "";
  socket.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    out = "";
    let end = pending.indexOf("\n");
    while (end >= 0) {
      const { id, total } = JSON.parse(pending.slice(0, end)) as { id: number; total: number };
      if (waiting.get(id) !== total) errors += 1;
      waiting.delete(id);
      pending = pending.slice(end + 1);
      end = pending.indexOf("\n");
      tick();
      call();
    }
    if (out !== "") socket.write(out);
    out = null;
  });
}

function codec(dur: number): void {
  const box = new AmpBox({
    _command: Buffer.from("Sum"),
    _ask: Buffer.from("1f3a"),
    a: Buffer.from("123456"),
    b: Buffer.from("789"),
    text: Buffer.alloc(200, 0x61),
  });
  const wire = box.serialize();
  let bytes = 0;
  let start = performance.now();
  while (performance.now() - start < dur * 1000) {
    for (let i = 0; i < 1000; i += 1) bytes += box.serialize().length;
  }
  const encode = bytes / 1e6 / ((performance.now() - start) / 1000);
  const stream = Buffer.concat(Array.from({ length: 256 }, () => wire));
  bytes = 0;
  start = performance.now();
  let boxes = 0;
  while (performance.now() - start < dur * 1000) {
    const decoder = new BinaryBoxDecoder();
    for (let i = 0; i < stream.length; i += 4096) decoder.feed(stream.subarray(i, i + 4096));
    for (let b = decoder.next(); b !== undefined; b = decoder.next()) boxes += 1;
    bytes += stream.length;
  }
  const decode = bytes / 1e6 / ((performance.now() - start) / 1000);
  if (boxes % 256 !== 0) process.exit(1);
  process.stdout.write(`${JSON.stringify({ encode, decode })}\n`);
}

const [role, ...args] = process.argv.slice(2);
const n = (i: number): number => Number(args[i]);
if (role === "torsion-server") torsionServer();
else if (role === "torsion-client") torsionClient(n(0), n(1), n(2), n(3));
else if (role === "jsonl-server") jsonlServer();
else if (role === "jsonl-client") jsonlClient(n(0), n(1), n(2), n(3));
else if (role === "codec") codec(n(0));
else {
  console.error(`unknown role ${String(role)}`);
  process.exit(2);
}
