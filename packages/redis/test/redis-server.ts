/**
 * Starts a private redis-server per suite: on a free loopback port or a temp-dir Unix
 * socket, no persistence, debug commands enabled (for `DEBUG PROTOCOL`), stopped after.
 * A missing binary skips the suite with a one-line reason (fails under CI=true).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REDIS_SERVER = "/usr/bin/redis-server";

/** Why the live tests cannot run, or null. Throws under CI=true. */
export function redisMissing(): string | null {
  if (existsSync(REDIS_SERVER)) return null;
  const reason = `${REDIS_SERVER} is missing (run scripts/install-test-deps.sh)`;
  if (process.env["CI"] === "true") throw new Error(reason);
  return reason;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/** One private redis-server process; {@link restart} keeps its address. */
export class RedisServer {
  readonly dir: string;
  readonly port: number;
  readonly socket: string | null;
  #child: ChildProcess | null = null;

  private constructor(dir: string, port: number, socket: string | null) {
    this.dir = dir;
    this.port = port;
    this.socket = socket;
  }

  /** Starts a server on a free TCP port (or, with `unix`, only on a Unix socket). */
  static async start(options: { unix?: boolean } = {}): Promise<RedisServer> {
    const dir = mkdtempSync(join(tmpdir(), "torsion-redis-"));
    const server = new RedisServer(dir, options.unix === true ? 0 : await freePort(), options.unix === true ? join(dir, "r.sock") : null);
    await server.#spawn();
    return server;
  }

  /** `redis://127.0.0.1:port` or `unix:<path>`. */
  get url(): string {
    return this.socket === null ? `redis://127.0.0.1:${this.port}` : `unix:${this.socket}`;
  }

  async #spawn(): Promise<void> {
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir, "--enable-debug-command", "yes"];
    if (this.socket !== null) args.push("--unixsocket", this.socket);
    const child = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`redis-server did not start: ${output}`));
      }, 10_000);
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        output += chunk;
        if (/ready to accept connections/i.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${output}`));
      });
    });
    child.stdout?.resume();
    child.stderr?.resume();
  }

  /** Stops the process (SIGKILL when `hard`) and waits for its exit. */
  async stop(hard = false): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(hard ? "SIGKILL" : "SIGTERM");
    await exited;
  }

  /** Stops and starts again on the same address. */
  async restart(): Promise<void> {
    await this.stop(true);
    await this.#spawn();
  }

  /** Stops the server and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
