/**
 * TLS: echo over TLS 1.3 (TLS_AES_128_GCM_SHA256) on loopback, Torsion's listenSSL server
 * against a raw node:tls echo server, the same node:tls load generator for both, rounds
 * interleaved: ping-pong 50×64 B (msg/s, target ≥ 1.0×), streaming 10×64 KiB (MB/s,
 * target ≥ 1.0×), handshake churn (handshakes/s, target ≥ 0.95×), plus the Python Twisted
 * TLS echo server as a reference line (no target). TLS_WARM (0.5 s), TLS_DUR (1.5 s),
 * ROUNDS; TLS_TORSION_PEERS: another build's tls-peers.js for the Torsion server (A/B).
 * Server CPU per operation (the measured window only) is in the cpu us/op column. Test certificates are made with the openssl CLI in the bench's temp dir.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { BenchContext } from "./lib/context.js";
import { BENCH_DIR, benchScript } from "./lib/paths.js";
import { pinned, runCommand, ServerProcess } from "./lib/proc.js";
import { makeResult, median, sideStats, skipped, type Result } from "./lib/result.js";

const PYTHON = "/usr/bin/python3";
type Server = "raw" | "torsion" | "twisted";
const WORKLOADS = [
  { name: "pp50x64", unit: "msg/s", target: 1.0 },
  { name: "stream10x64k", unit: "MB/s", target: 1.0 },
  { name: "churn", unit: "handshakes/s", target: 0.95 },
] as const;

function certificates(dir: string): { key: string; cert: string; ca: string } {
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  run([
    "req",
    "-x509",
    ...ec,
    "-days",
    "1",
    "-subj",
    "/CN=bench CA",
    "-keyout",
    "tls-ca.key",
    "-out",
    "tls-ca.pem",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
  ]);
  run(["req", ...ec, "-subj", "/CN=localhost", "-keyout", "tls-server.key", "-out", "tls-server.csr"]);
  writeFileSync(path.join(dir, "tls-server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  run([
    "x509",
    "-req",
    "-in",
    "tls-server.csr",
    "-CA",
    "tls-ca.pem",
    "-CAkey",
    "tls-ca.key",
    "-CAcreateserial",
    "-days",
    "1",
    "-out",
    "tls-server.pem",
    "-extfile",
    "tls-server.ext",
  ]);
  return { key: path.join(dir, "tls-server.key"), cert: path.join(dir, "tls-server.pem"), ca: path.join(dir, "tls-ca.pem") };
}

async function once(
  ctx: BenchContext,
  server: Server,
  workload: string,
  pki: { key: string; cert: string; ca: string },
  warm: number,
  dur: number,
): Promise<{ value: number; cpuUsPerOp: number | null }> {
  const peers = benchScript("servers/tls-peers.js");
  const command =
    server === "twisted"
      ? [PYTHON, path.join(BENCH_DIR, "servers", "tls_echo.py"), pki.key, pki.cert]
      : [process.execPath, server === "torsion" ? (process.env.TLS_TORSION_PEERS ?? peers) : peers, `${server}-server`, pki.key, pki.cert];
  const proc = new ServerProcess(pinned(ctx.config.serverCpu, command));
  try {
    const [, port] = await proc.waitForOutput(/listening (\d+)/, 10_000);
    const result = await runCommand(
      pinned(ctx.config.loadgenCpu, [
        process.execPath,
        peers,
        "client",
        port as string,
        pki.ca,
        workload,
        String(warm),
        String(dur),
        String(proc.pid),
      ]),
      (warm + dur + 20) * 1000,
    );
    const line = result.stdout.trim().split("\n").pop() ?? "";
    const parsed = JSON.parse(line) as { ops: number; seconds: number; errors: number; cpuSeconds: number | null };
    if (result.code !== 0 || parsed.errors !== 0) throw new Error(`tls ${server} ${workload} failed: ${line} ${result.stderr.slice(-300)}`);
    const cpuUsPerOp = parsed.cpuSeconds === null || parsed.ops <= 0 ? null : (parsed.cpuSeconds * 1e6) / parsed.ops;
    return { value: parsed.ops / parsed.seconds, cpuUsPerOp };
  } finally {
    await proc.stop();
  }
}

export async function runTLSBench(ctx: BenchContext): Promise<Result[]> {
  if (process.env.WORKLOADS?.trim()) return [skipped("tls", "echo", "msg/s", null, "WORKLOADS selects other workloads")];
  if (spawnSync("openssl", ["version"], { stdio: "ignore" }).status !== 0)
    return [skipped("tls", "echo", "msg/s", null, "the openssl CLI is missing")];
  const warm = Number(process.env.TLS_WARM ?? "0.5");
  const dur = Number(process.env.TLS_DUR ?? "1.5");
  const pki = certificates(ctx.tmpDir);
  const twistedOk = spawnSync(PYTHON, ["-c", "import twisted.internet.ssl, OpenSSL"], { stdio: "ignore" }).status === 0;
  const servers: Server[] = twistedOk ? ["raw", "torsion", "twisted"] : ["raw", "torsion"];
  const results: Result[] = [];
  for (const w of WORKLOADS) {
    const samples: Record<Server, number[]> = { raw: [], torsion: [], twisted: [] };
    const cpu: Record<Server, number[]> = { raw: [], torsion: [], twisted: [] };
    const failures: Record<Server, number> = { raw: 0, torsion: 0, twisted: 0 };
    for (let round = 0; round < ctx.config.rounds; round += 1) {
      for (let i = 0; i < servers.length; i += 1) {
        const server = servers[(i + round) % servers.length] as Server;
        ctx.log(`tls ${w.name} round ${round + 1}: ${server}`);
        try {
          const { value, cpuUsPerOp } = await once(ctx, server, w.name, pki, warm, dur);
          samples[server].push(value);
          if (cpuUsPerOp !== null) cpu[server].push(cpuUsPerOp);
          ctx.log(`tls ${w.name} round ${round + 1}: ${server} ${value.toFixed(1)} ${w.unit} cpu=${cpuUsPerOp?.toFixed(1) ?? "?"}us/op`);
        } catch (error) {
          failures[server] += 1;
          ctx.fail(String(error));
        }
      }
    }
    results.push(
      makeResult(
        "tls",
        w.name,
        w.unit,
        sideStats(samples.raw, failures.raw, { cpuUsPerOp: median(cpu.raw) }),
        sideStats(samples.torsion, failures.torsion, { cpuUsPerOp: median(cpu.torsion) }),
        { op: ">=", value: w.target },
        "raw = node:tls echo server; same node:tls client",
      ),
    );
    if (twistedOk) {
      results.push(
        makeResult(
          "tls",
          `${w.name}-twisted`,
          w.unit,
          sideStats(samples.twisted, failures.twisted, { cpuUsPerOp: median(cpu.twisted) }),
          sideStats(samples.torsion, failures.torsion, { cpuUsPerOp: median(cpu.torsion) }),
          null,
          "raw = Python Twisted 22.4 listenSSL echo (reference)",
        ),
      );
    }
  }
  return results;
}
