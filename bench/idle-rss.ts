/**
 * Peak RSS with many idle connections: the driver opens `IDLE_CONNS` (1,000) TCP
 * connections to a fresh server, checks each with a one-byte echo, lets them sit idle,
 * and reads the server's VmRSS/VmHWM from /proc. Raw Node `net` versus Torsion, rounds
 * interleaved; the figure is VmHWM (peak RSS) and the target is Torsion/raw <= 1.2.
 */
import net from "node:net";
import type { BenchContext } from "./lib/context.js";
import { sidesForRound, type Side } from "./lib/config.js";
import { freeTcpPort, pinned, ServerProcess, sleep, statusKb, waitForListening } from "./lib/proc.js";
import { makeResult, median, sideStats, skipped, type Result, type Target } from "./lib/result.js";

const TARGET: Target = { op: "<=", value: 1.2 };
/** Connection attempts in flight at once. */
const CONCURRENCY = 100;
/** Hard limit for opening and checking all connections. */
const OPEN_TIMEOUT_MS = 30_000;
/** Idle time before reading memory. */
const SETTLE_MS = 500;

/** One round's memory reading for one server. */
export interface IdleSample {
  readonly round: number;
  readonly side: Side;
  readonly ok: boolean;
  readonly startRssKb: number | null;
  readonly idleRssKb: number | null;
  readonly hwmKb: number | null;
  readonly error?: string;
}

/** Connects once, sends one byte, resolves when it comes back. */
function openChecked(port: number, sockets: net.Socket[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port });
    sockets.push(s);
    s.once("error", reject);
    s.once("connect", () => s.write("x"));
    s.once("data", (d) => (d.toString() === "x" ? resolve() : reject(new Error(`bad echo ${JSON.stringify(d.toString())}`))));
  });
}

/** Opens `count` checked connections, at most CONCURRENCY at a time, within the time limit. */
async function openMany(port: number, count: number, sockets: net.Socket[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      await openChecked(port, sockets);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`could not open ${count} connections within ${OPEN_TIMEOUT_MS} ms`)), OPEN_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker)), limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function measureOne(ctx: BenchContext, side: Side, round: number): Promise<IdleSample> {
  const { config } = ctx;
  const port = await freeTcpPort();
  const cmd = side === "raw" ? config.rawEchoCmd : config.torsionEchoCmd;
  const server = new ServerProcess(pinned(config.serverCpu, [...cmd, String(port)]));
  const sockets: net.Socket[] = [];
  try {
    await waitForListening({ host: "127.0.0.1", port }, server, 15_000);
    const startRssKb = statusKb(server.pid, "VmRSS") ?? null;
    await openMany(port, config.idleConns, sockets);
    await sleep(SETTLE_MS);
    const idleRssKb = statusKb(server.pid, "VmRSS") ?? null;
    const hwmKb = statusKb(server.pid, "VmHWM") ?? null;
    const ok = server.alive && hwmKb !== null;
    return { round, side, ok, startRssKb, idleRssKb, hwmKb, ...(ok ? {} : { error: "server gone before reading memory" }) };
  } catch (e) {
    const error = (e as Error).message;
    ctx.fail(`FAIL idle${config.idleConns} ${side} round ${round + 1}: ${error}`);
    return { round, side, ok: false, startRssKb: null, idleRssKb: null, hwmKb: null, error };
  } finally {
    for (const s of sockets) s.destroy();
    await server.stop();
  }
}

function summarise(samples: readonly IdleSample[], name: string): Result {
  const side = (s: Side) => {
    const mine = samples.filter((x) => x.side === s);
    const good = mine.filter((x) => x.ok && x.hwmKb !== null);
    return sideStats(
      good.map((x) => x.hwmKb! / 1024),
      mine.length - good.length,
      {
        peakRssMiB: median(good.map((x) => x.hwmKb! / 1024)),
        errors: mine.flatMap((x) => (x.error === undefined ? [] : [x.error])).slice(0, 3),
      },
    );
  };
  const start = (s: Side): string =>
    fmtMiB(median(samples.filter((x) => x.side === s && x.ok && x.startRssKb !== null).map((x) => x.startRssKb! / 1024)));
  const idle = (s: Side): string =>
    fmtMiB(median(samples.filter((x) => x.side === s && x.ok && x.idleRssKb !== null).map((x) => x.idleRssKb! / 1024)));
  const note = `VmRSS at start -> with the idle connections, MiB: raw ${start("raw")}->${idle("raw")}, torsion ${start("torsion")}->${idle("torsion")}`;
  return makeResult("idle-rss", name, "MiB peak", side("raw"), side("torsion"), TARGET, note);
}

function fmtMiB(v: number | null): string {
  return v === null ? "-" : v.toFixed(1);
}

/** Runs the idle-connections memory benchmark (TCP, interleaved rounds). */
export async function runIdleRssBench(
  ctx: BenchContext,
  sides: ReadonlySet<Side>,
  skipReason: string,
): Promise<{ results: Result[]; samples: IdleSample[] }> {
  const name = "idle1000";
  if (!ctx.config.workloads.has(name)) return { results: [], samples: [] };
  if (!sides.has("raw")) return { results: [skipped("idle-rss", name, "MiB peak", TARGET, skipReason)], samples: [] };
  const samples: IdleSample[] = [];
  for (let round = 0; round < ctx.config.rounds; round++) {
    for (const side of sidesForRound(round).filter((s) => sides.has(s))) {
      const s = await measureOne(ctx, side, round);
      ctx.log(
        `r${round + 1} ${side.padEnd(7)} ${name.padEnd(18)} ${s.ok ? `hwm=${fmtMiB(s.hwmKb! / 1024)} MiB rss=${fmtMiB((s.idleRssKb ?? 0) / 1024)} MiB` : "FAIL"}`,
      );
      samples.push(s);
    }
  }
  return { results: [summarise(samples, name)], samples };
}
