/**
 * TLS bench peers, one per process (see `lib/tls-load.ts` for the workloads):
 *   tls-peers.js raw-server|torsion-server KEY CERT        prints "listening PORT"
 *   tls-peers.js client PORT CA WORKLOAD WARM DUR [PID]    prints {"ops":..,"seconds":..,"errors":..}
 * A server prints "cpu MICROSECONDS" (its `process.cpuUsage()`, user + system) on each
 * SIGUSR2; with PID (the server's), the client sends it one as the measured window opens
 * and one as it closes, so the bench reads the server's CPU time of exactly that window.
 */
import { readFileSync } from "node:fs";
import { NodeReactor } from "@torsion/reactor";
import { runTLSLoad, startRawTLSServer, startTorsionTLSServer, TLS_WORKLOADS, type TLSWorkload } from "../lib/tls-load.js";

const [mode = "", a1 = "", a2 = "", a3 = "", a4 = "0.5", a5 = "1.5", a6 = ""] = process.argv.slice(2);

function reportCpuOnSignal(): void {
  process.on("SIGUSR2", () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`cpu ${user + system}\n`);
  });
}

async function server(kind: "raw" | "torsion", key: Buffer, cert: Buffer): Promise<void> {
  reportCpuOnSignal();
  if (kind === "raw") {
    const s = await startRawTLSServer(key, cert);
    console.log(`listening ${s.port}`);
    return;
  }
  const reactor = new NodeReactor();
  const s = startTorsionTLSServer(reactor, key, cert);
  reactor.callWhenRunning(() => console.log(`listening ${s.port}`));
  void reactor.run();
}

async function client(port: number, ca: Buffer, workload: string, warm: number, dur: number, serverPid: number): Promise<void> {
  if (!(TLS_WORKLOADS as readonly string[]).includes(workload)) throw new Error(`unknown workload ${workload}`);
  const signal = (): void => {
    if (serverPid > 0) process.kill(serverPid, "SIGUSR2");
  };
  const outcome = await runTLSLoad(port, ca, workload as TLSWorkload, { warm, dur }, signal);
  console.log(JSON.stringify(outcome));
  setTimeout(() => process.exit(0), 100);
}

if (mode === "raw-server" || mode === "torsion-server")
  void server(mode === "raw-server" ? "raw" : "torsion", readFileSync(a1), readFileSync(a2));
else if (mode === "client") void client(Number(a1), readFileSync(a2), a3, Number(a4), Number(a5), Number(a6 || "0"));
else {
  console.error("usage: tls-peers.js raw-server|torsion-server KEY CERT | client PORT CA WORKLOAD WARM DUR [PID]");
  process.exitCode = 2;
}
