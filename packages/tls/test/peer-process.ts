/** Runs real peers (Python Twisted, the openssl CLI) for the interop tests. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const PYTHON = "/usr/bin/python3";
export const TWISTED_PEER = fileURLToPath(new URL("../test/peers/twisted_tls_peer.py", import.meta.url));

/** `false` when Twisted with pyOpenSSL is importable; else the skip reason. Under CI=true a missing peer fails. */
export function twistedMissing(): string | false {
  const ok =
    existsSync(PYTHON) &&
    spawnSync(PYTHON, ["-c", "import twisted.internet.ssl, OpenSSL, service_identity"], { stdio: "ignore" }).status === 0;
  if (ok || process.env.CI === "true") return false;
  return "Python Twisted with pyOpenSSL is not installed (scripts/install-test-deps.sh)";
}

/** A running peer: its stdout lines, and a way to wait for one. */
export class Peer {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = "";
  readonly exited: Promise<number | null>;

  constructor(command: string, args: string[]) {
    this.child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let partial = "";
    this.child.stdout?.on("data", (d: Buffer) => {
      partial += d.toString("latin1");
      const parts = partial.split("\n");
      partial = parts.pop() ?? "";
      this.lines.push(...parts);
    });
    this.child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString("latin1")));
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  /** The first line matching `re` (waits up to `seconds`). */
  async line(re: RegExp, seconds = 20): Promise<string> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const found = this.lines.find((l) => re.test(l));
      if (found !== undefined) return found;
      if (Date.now() > deadline || (this.child.exitCode !== null && !this.lines.some((l) => re.test(l)))) {
        if (this.child.exitCode !== null) await new Promise((r) => setTimeout(r, 50));
        const again = this.lines.find((l) => re.test(l));
        if (again !== undefined) return again;
        if (Date.now() > deadline || this.child.exitCode !== null) {
          throw new Error(`peer gave no line matching ${re} (stdout: ${this.lines.join(" | ")}; stderr: ${this.stderr.slice(-2000)})`);
        }
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The JSON result line. */
  async result(seconds = 30): Promise<Record<string, unknown>> {
    return JSON.parse(await this.line(/^\{/, seconds)) as Record<string, unknown>;
  }

  /** The port a server peer printed. */
  async port(): Promise<number> {
    return Number((await this.line(/^PORT \d+/)).split(" ")[1]);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}

/** Runs the Twisted peer in `mode`. */
export function twisted(mode: string, ...args: string[]): Peer {
  return new Peer(PYTHON, [TWISTED_PEER, mode, ...args]);
}
