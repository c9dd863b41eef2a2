/**
 * AMP: calls/s with 100 calls in flight over loopback (a small `Sum` command), client and
 * server in two processes, for Torsion ↔ Torsion, Python Twisted ↔ Twisted (target: Torsion
 * at least 5×) and a minimal hand-written JSON-lines RPC over raw node:net (target: at least
 * 0.8×; like Torsion's AMP it writes the requests made while one chunk is handled at once),
 * interleaved round by round in the same run; plus box encode/decode MB/s (info).
 * Runs are short: AMP_DUR (1.5 s measured) after AMP_WARM (0.5 s), ROUNDS rounds. The
 * `cpu us/op` column is the server process's CPU per call (from /proc, over the whole run).
 * Runs when WORKLOADS includes `amp` (the default: all); the Twisted line is skipped without
 * /usr/bin/python3 and Twisted.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { BenchContext } from "./lib/context.js";
import { BENCH_DIR, benchScript } from "./lib/paths.js";
import { pinned, runCommand, ServerProcess } from "./lib/proc.js";
import { makeResult, median, sideStats, skipped, type Result, type SideStats } from "./lib/result.js";

const PYTHON = "/usr/bin/python3";
const INFLIGHT = 100;
type Stack = "torsion" | "twisted" | "jsonl";

function commands(stack: Stack): { server: string[]; client: (port: string, warm: number, dur: number) => string[] } {
  const peers = benchScript("servers/amp-peers.js");
  if (stack === "twisted") {
    const script = path.join(BENCH_DIR, "servers", "amp_sum.py");
    return {
      server: [PYTHON, script, "server"],
      client: (port, warm, dur) => [PYTHON, script, "client", port, String(warm), String(dur), String(INFLIGHT)],
    };
  }
  return {
    server: [process.execPath, peers, `${stack}-server`],
    client: (port, warm, dur) => [process.execPath, peers, `${stack}-client`, port, String(warm), String(dur), String(INFLIGHT)],
  };
}

/** CPU time (user + system) of process `pid` in microseconds, from `/proc/PID/stat`; `null` where there is none. */
function cpuUs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** One run: calls/s, and the server's CPU µs per call (its CPU over the whole client run, warm-up included, per call at the measured rate). */
async function once(ctx: BenchContext, stack: Stack, warm: number, dur: number): Promise<{ rate: number; serverCpuUs: number | null }> {
  const { server, client } = commands(stack);
  const proc = new ServerProcess(pinned(ctx.config.serverCpu, server));
  try {
    const [, port] = await proc.waitForOutput(/listening (\d+)/, 10_000);
    const before = cpuUs(proc.pid);
    const result = await runCommand(pinned(ctx.config.loadgenCpu, client(port as string, warm, dur)), (warm + dur + 20) * 1000);
    const after = cpuUs(proc.pid);
    const line = result.stdout.trim().split("\n").pop() ?? "";
    const parsed = JSON.parse(line) as { calls: number; seconds: number; errors: number };
    if (result.code !== 0 || parsed.errors !== 0) throw new Error(`${stack} client failed: ${line} ${result.stderr.slice(-300)}`);
    const rate = parsed.calls / parsed.seconds;
    const serverCpuUs = before !== null && after !== null && rate > 0 ? (after - before) / (rate * (warm + dur)) : null;
    return { rate, serverCpuUs };
  } finally {
    await proc.stop();
  }
}

export async function runAmpBench(ctx: BenchContext): Promise<Result[]> {
  const warm = Number(process.env.AMP_WARM ?? "0.5");
  const dur = Number(process.env.AMP_DUR ?? "1.5");
  const twistedOk = spawnSync(PYTHON, ["-c", "import twisted.protocols.amp"], { stdio: "ignore" }).status === 0;
  const stacks: Stack[] = twistedOk ? ["torsion", "jsonl", "twisted"] : ["torsion", "jsonl"];
  const samples: Record<Stack, number[]> = { torsion: [], jsonl: [], twisted: [] };
  const cpu: Record<Stack, number[]> = { torsion: [], jsonl: [], twisted: [] };
  const failures: Record<Stack, number> = { torsion: 0, jsonl: 0, twisted: 0 };
  const errors: string[] = [];
  for (let round = 0; round < ctx.config.rounds; round += 1) {
    for (let i = 0; i < stacks.length; i += 1) {
      const stack = stacks[(i + round) % stacks.length] as Stack;
      ctx.log(`amp round ${round + 1}: ${stack}`);
      try {
        const { rate, serverCpuUs } = await once(ctx, stack, warm, dur);
        samples[stack].push(rate);
        if (serverCpuUs !== null) cpu[stack].push(serverCpuUs);
      } catch (error) {
        failures[stack] += 1;
        errors.push(String(error));
        ctx.fail(String(error));
      }
    }
  }
  const side = (stack: Stack): SideStats =>
    sideStats(samples[stack], failures[stack], {
      cpuUsPerOp: median(cpu[stack]),
      ...(errors.length > 0 ? { errors: errors.slice(0, 3) } : {}),
    });
  const results: Result[] = [
    makeResult(
      "amp",
      "sum100-vs-jsonl",
      "calls/s",
      side("jsonl"),
      side("torsion"),
      { op: ">=", value: 0.8 },
      "raw = JSON-lines RPC over raw node:net",
    ),
    twistedOk
      ? makeResult(
          "amp",
          "sum100-vs-twisted",
          "calls/s",
          side("twisted"),
          side("torsion"),
          { op: ">=", value: 5 },
          "raw = Python Twisted 22.4 AMP client and server",
        )
      : skipped("amp", "sum100-vs-twisted", "calls/s", { op: ">=", value: 5 }, `${PYTHON} with Twisted missing`),
  ];
  const codec = await runCommand([process.execPath, benchScript("servers/amp-peers.js"), "codec", String(dur)], (dur * 2 + 20) * 1000);
  try {
    const { encode, decode } = JSON.parse(codec.stdout.trim()) as { encode: number; decode: number };
    results.push(makeResult("amp", "box-encode", "MB/s", sideStats([encode], 0), sideStats([encode], 0), null, "in process; no baseline"));
    results.push(
      makeResult(
        "amp",
        "box-decode",
        "MB/s",
        sideStats([decode], 0),
        sideStats([decode], 0),
        null,
        "in process, 4 KiB chunks; no baseline",
      ),
    );
  } catch {
    results.push(skipped("amp", "box-codec", "MB/s", null, `codec run failed: ${codec.stderr.slice(-200)}`));
  }
  return results;
}
