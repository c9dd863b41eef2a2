/**
 * Memcache: get and set throughput of Torsion's MemCacheProtocol against memjs (the client a
 * Node user would pick) on the same private memcached in the same run, rounds interleaved;
 * 100 requests in flight on one connection each, 100-byte values over 1,000 keys (target:
 * Torsion at least 1.0×). Plus MemcacheReplyDecoder MB/s on a reply stream fed in 4 KiB
 * chunks (info). Short runs: MEMCACHE_OPS (10,000 per side per round) after a warm-up of a
 * quarter of that, 5 × ROUNDS rounds (wall-clock rates swing 3× between rounds on the loaded
 * machine: the note gives the median of the per-round ratios, and the cpu column the
 * client's CPU per request, which load barely moves). Skipped without /usr/bin/memcached or when WORKLOADS
 * selects other workloads. Standalone: `node bench/dist/memcache.js` prints the results as JSON.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { pathToFileURL } from "node:url";
import memjs from "memjs";
import { clientFromString, connectProtocol } from "@torsion/endpoints";
import { MemCacheProtocol, MemcacheReplyDecoder } from "@torsion/memcache";
import { NodeReactor } from "@torsion/reactor";
import type { BenchContext } from "./lib/context.js";
import { makeResult, median, sideStats, skipped, type Result } from "./lib/result.js";

const MEMCACHED = "/usr/bin/memcached";
const INFLIGHT = 100;
const KEYS = 1000;
const VALUE = Buffer.alloc(100, 0x61);

type Op = "get" | "set";
interface Client {
  run(op: Op, key: string): Promise<unknown>;
  close(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startMemcached(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const args = ["-l", "127.0.0.1", "-p", String(port), "-U", "0", "-t", "1", "-m", "64"];
  if (process.getuid?.() === 0) args.push("-u", "nobody");
  const child = spawn(MEMCACHED, args, { stdio: "ignore" });
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port });
      socket.once("error", () => resolve(false));
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
    });
    if (up) return { port, child };
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  child.kill();
  throw new Error("memcached did not start");
}

async function torsionClient(reactor: NodeReactor, port: number): Promise<Client> {
  const protocol = await connectProtocol(
    clientFromString(reactor, `tcp:host=127.0.0.1:port=${port}`),
    new MemCacheProtocol({ clock: reactor }),
  ).asPromise();
  return {
    run: (op, key) => (op === "get" ? protocol.get(key) : protocol.set(key, VALUE)).asPromise(),
    close: () => protocol.transport?.loseConnection(),
  };
}

function memjsClient(port: number): Client {
  const client = memjs.Client.create(`127.0.0.1:${port}`, { logger: { log: () => undefined } });
  return {
    run: (op, key) => (op === "get" ? client.get(key) : client.set(key, VALUE)),
    close: () => client.close(),
  };
}

/** Client CPU (user + system, µs) per request of the last {@link measure}. */
let lastCpuUsPerOp = 0;

/** `count` requests of `op`, at most INFLIGHT outstanding; returns requests/s (and sets {@link lastCpuUsPerOp}). */
async function measure(client: Client, op: Op, count: number): Promise<number> {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next;
      next += 1;
      await client.run(op, `bench:${i % KEYS}`);
    }
  };
  await Promise.all(Array.from({ length: INFLIGHT }, lane));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  lastCpuUsPerOp = (used.user + used.system) / count;
  return count / seconds;
}

/** Decoder MB/s over a stream of get replies (100-byte values), fed in 4 KiB chunks. */
function decoderThroughput(): number {
  const one = Buffer.concat([Buffer.from(`VALUE bench:123 0 ${VALUE.length}\r\n`), VALUE, Buffer.from("\r\nEND\r\nSTORED\r\n")]);
  const stream = Buffer.concat(Array.from({ length: 20000 }, () => one));
  let best = 0;
  for (let round = 0; round < 5; round += 1) {
    const decoder = new MemcacheReplyDecoder();
    let frames = 0;
    const started = process.hrtime.bigint();
    for (let at = 0; at < stream.length; at += 4096) {
      decoder.feed(stream.subarray(at, at + 4096));
      while (decoder.next() !== undefined) frames += 1;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (frames !== 20000 * 4) throw new Error(`decoder gave ${frames} frames`);
    best = Math.max(best, stream.length / 1e6 / seconds);
  }
  return best;
}

export async function runMemcacheBench(ctx: BenchContext): Promise<Result[]> {
  if (process.env.WORKLOADS?.trim()) return [skipped("memcache", "get-set", "req/s", null, "WORKLOADS selects other workloads")];
  if (!existsSync(MEMCACHED)) return [skipped("memcache", "get-set", "req/s", { op: ">=", value: 1 }, `${MEMCACHED} missing`)];
  const count = Number(process.env.MEMCACHE_OPS ?? "10000");
  const rounds = 5 * ctx.config.rounds;
  /** Per round and op: Torsion's rate over memjs's in that round. */
  const paired: Record<Op, number[]> = { get: [], set: [] };
  const { port, child } = await startMemcached();
  const reactor = new NodeReactor({ installSignalHandlers: false });
  const samples: Record<"torsion" | "memjs", Record<Op, number[]>> = { torsion: { get: [], set: [] }, memjs: { get: [], set: [] } };
  const cpu: Record<"torsion" | "memjs", Record<Op, number[]>> = { torsion: { get: [], set: [] }, memjs: { get: [], set: [] } };
  try {
    const clients = { torsion: await torsionClient(reactor, port), memjs: memjsClient(port) };
    for (const side of ["torsion", "memjs"] as const) {
      await measure(clients[side], "set", count / 4);
      await measure(clients[side], "get", count / 4);
    }
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? (["torsion", "memjs"] as const) : (["memjs", "torsion"] as const);
      for (const op of ["set", "get"] as const) {
        for (const side of order) {
          samples[side][op].push(await measure(clients[side], op, count));
          cpu[side][op].push(lastCpuUsPerOp);
        }
        paired[op].push((samples.torsion[op].at(-1) ?? 0) / (samples.memjs[op].at(-1) ?? 1));
      }
      const line = (op: Op): string =>
        (["torsion", "memjs"] as const)
          .map((who) => `${who} ${(samples[who][op].at(-1) ?? 0).toFixed(0)}/s (${(cpu[who][op].at(-1) ?? 0).toFixed(2)} cpu us)`)
          .join(" ");
      ctx.log(`memcache round ${round + 1}/${rounds}: set ${line("set")}; get ${line("get")}`);
    }
    clients.torsion.close();
    clients.memjs.close();
  } finally {
    child.kill();
    for (const call of reactor.getDelayedCalls()) call.cancel();
  }
  const note = (op: Op): string =>
    `raw = memjs 1.3 (binary protocol) on the same memcached; 100 in flight; ${rounds} rounds x ${count}; median of per-round ratios ${(median(paired[op]) ?? 0).toFixed(2)}; cpu = client process`;
  const side = (who: "torsion" | "memjs", op: Op) => sideStats(samples[who][op], 0, { cpuUsPerOp: median(cpu[who][op]) });
  const decode = decoderThroughput();
  return [
    makeResult("memcache", "set100-vs-memjs", "req/s", side("memjs", "set"), side("torsion", "set"), { op: ">=", value: 1 }, note("set")),
    makeResult("memcache", "get100-vs-memjs", "req/s", side("memjs", "get"), side("torsion", "get"), { op: ">=", value: 1 }, note("get")),
    makeResult(
      "memcache",
      "reply-decode",
      "MB/s",
      sideStats([decode], 0),
      sideStats([decode], 0),
      null,
      "in process, 4 KiB chunks, best of 5; no baseline",
    ),
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ctx: BenchContext = {
    config: { rounds: Number(process.env.ROUNDS ?? "3") } as BenchContext["config"],
    tmpDir: "",
    log: (message) => process.stderr.write(`${message}\n`),
    fail: (message) => process.stderr.write(`!! ${message}\n`),
  };
  const results = await runMemcacheBench(ctx);
  for (const r of results)
    console.log(JSON.stringify({ workload: r.workload, unit: r.unit, memjs: r.raw.samples, torsion: r.torsion.samples, ratio: r.ratio }));
}
