/** Starting the Python Twisted AMP peer (test/peers/amp_peer.py) and connecting Torsion AMP over real sockets. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";
import { ClientFactory, Factory, type IListeningPort } from "@torsion/core";
import type { AMP } from "@torsion/amp";
import { NodeReactor } from "@torsion/reactor";

export const PYTHON = "/usr/bin/python3";
export const PEER = fileURLToPath(new URL("../test/peers/amp_peer.py", import.meta.url));

let available: boolean | null = null;

/**
 * True when Python Twisted can run. When it cannot: under CI=true the test fails (the peer
 * must be installed by scripts/install-test-deps.sh); otherwise it is skipped with the reason.
 */
export function requireTwisted(t: TestContext): boolean {
  available ??= spawnSync(PYTHON, ["-c", "import twisted.protocols.amp"], { stdio: "ignore" }).status === 0;
  if (available) return true;
  const reason = `${PYTHON} with Twisted is missing (run scripts/install-test-deps.sh)`;
  if (process.env.CI === "true") throw new Error(reason);
  t.skip(reason);
  return false;
}

export type Family = "tcp" | "unix";

/** A new temporary directory for Unix sockets (the caller removes it once its peer has stopped). */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "torsion-amp-"));
}

/** Runs the Python server and resolves with the port (TCP) or path (Unix) from its `listening` line. */
export function startPythonServer(
  t: TestContext,
  family: Family,
  address: string,
  env: Readonly<Record<string, string>> = {},
): Promise<string> {
  // stderr is kept (Twisted logs the undeclared errors the tests provoke) and shown only on failure
  const child = spawn(PYTHON, [PEER, "server", family, address], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...env } });
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const timer = setTimeout(() => child.kill(), 120_000);
  t.after(async () => {
    clearTimeout(timer);
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin?.end();
    const killer = setTimeout(() => child.kill(), 3000);
    await exited;
    clearTimeout(killer);
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const match = /^listening (.+)$/.exec(line);
      if (match === null) reject(new Error(`unexpected first line from the Python server: ${line}`));
      else resolve(match[1] as string);
    });
    child.once("exit", (code) => reject(new Error(`the Python server exited early (${String(code)}): ${errors}`)));
  });
}

/** Runs the Python client to completion and resolves with its JSON summary line. */
export function runPythonClient(
  family: Family,
  address: string,
  seed: number,
  count: number,
  inflight: number,
  env: Readonly<Record<string, string>> = {},
): Promise<Record<string, unknown>> {
  const child = spawn(PYTHON, [PEER, "client", family, address, String(seed), String(count), String(inflight)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const timer = setTimeout(() => child.kill(), 120_000);
  let out = "";
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      clearTimeout(timer);
      const last = out.trim().split("\n").pop() ?? "";
      try {
        const summary = JSON.parse(last) as Record<string, unknown>;
        if (code !== 0) reject(new Error(`the Python client failed (${String(code)}): ${last}\n${errors}`));
        else resolve(summary);
      } catch {
        reject(new Error(`the Python client printed no summary (exit ${String(code)}): ${out}\n${errors}`));
      }
    });
  });
}

export function makeReactor(t: TestContext): NodeReactor {
  const reactor = new NodeReactor({ installSignalHandlers: false });
  t.after(() => {
    for (const call of reactor.getDelayedCalls()) call.cancel();
  });
  return reactor;
}

/** Connects a Torsion AMP client and resolves once connected. */
export function connectAmp<P extends AMP>(
  t: TestContext,
  reactor: NodeReactor,
  family: Family,
  address: string,
  make: () => P,
): Promise<P> {
  return new Promise((resolve, reject) => {
    class Connecting extends ClientFactory<P> {
      override buildProtocol(): P {
        const protocol = make();
        const made = protocol.connectionMade.bind(protocol);
        protocol.connectionMade = () => {
          made();
          resolve(protocol);
        };
        t.after(() => protocol.transport?.loseConnection());
        return protocol;
      }
      override clientConnectionFailed(_connector: unknown, reason: { value: Error }): void {
        reject(reason.value);
      }
    }
    const factory = new Connecting();
    if (family === "tcp") reactor.connectTCP("127.0.0.1", Number(address), factory, { timeout: 10 });
    else reactor.connectUNIX(address, factory, { timeout: 10 });
  });
}

/** Listens with a Torsion AMP server (every connection built by `make`). */
export function listenAmp(
  t: TestContext,
  reactor: NodeReactor,
  family: Family,
  address: string,
  make: () => AMP,
): { port: IListeningPort; address: string } {
  const factory = new (class extends Factory<AMP> {
    override buildProtocol(): AMP {
      return make();
    }
  })();
  const port = family === "tcp" ? reactor.listenTCP(0, factory, { interface: "127.0.0.1" }) : reactor.listenUNIX(address, factory);
  t.after(() => port.stopListening());
  const host = port.getHost() as unknown as { port?: number; name?: string };
  return { port, address: family === "tcp" ? String(host.port) : address };
}
