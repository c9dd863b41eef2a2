/**
 * Starts a private memcached for one test suite: on a free loopback port
 * (`-l 127.0.0.1 -p PORT -U 0`) or a Unix socket in a temp dir (`-s path`), waits until it
 * answers `version`, and stops it after. Without `/usr/bin/memcached` the suite fails under
 * `CI=true` and is skipped (one-line reason) otherwise.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const MEMCACHED = "/usr/bin/memcached";

/** `null` when memcached can be used; otherwise why not. Throws under CI=true. */
export function memcachedMissing(): string | null {
  if (existsSync(MEMCACHED)) return null;
  const reason = `${MEMCACHED} is missing (run scripts/install-test-deps.sh)`;
  if (process.env["CI"] === "true") throw new Error(reason);
  return reason;
}

export interface MemcachedOptions {
  readonly unix?: boolean;
  /** Extra arguments, e.g. `["-I", "2m"]`. */
  readonly args?: readonly string[];
  /** Reuse this port (to restart a server where a client reconnects). */
  readonly port?: number;
}

/** A running memcached. */
export class MemcachedServer {
  #child: ChildProcess;
  #dir: string | null;
  private constructor(
    child: ChildProcess,
    readonly port: number | null,
    readonly path: string | null,
    dir: string | null,
  ) {
    this.#child = child;
    this.#dir = dir;
  }

  /** The endpoint description (`tcp:host=127.0.0.1:port=N` or `unix:path=...`). */
  get description(): string {
    return this.port !== null ? `tcp:host=127.0.0.1:port=${this.port}` : `unix:path=${this.path as string}`;
  }

  static async start(options: MemcachedOptions = {}): Promise<MemcachedServer> {
    const args = ["-U", "0", "-t", "1", "-m", "64", ...(options.args ?? [])];
    if (process.getuid?.() === 0) args.push("-u", "nobody");
    let port: number | null = null;
    let path: string | null = null;
    let dir: string | null = null;
    if (options.unix === true) {
      dir = mkdtempSync(join(tmpdir(), "torsion-memcached-"));
      chmodSync(dir, 0o777);
      path = join(dir, "memcached.sock");
      args.push("-s", path, "-a", "0666");
    } else {
      port = options.port ?? (await freePort());
      args.push("-l", "127.0.0.1", "-p", String(port));
    }
    const child = spawn(MEMCACHED, args, { stdio: ["ignore", "ignore", "pipe"] });
    let errors = "";
    child.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    const server = new MemcachedServer(child, port, path, dir);
    const deadline = Date.now() + 5000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`memcached exited (${child.exitCode}): ${errors}`);
      if (await answers(port, path)) return server;
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`memcached did not answer within 5 s: ${errors}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Kills the server at once (SIGKILL) and waits for it to exit. */
  async kill(): Promise<void> {
    await this.#signal("SIGKILL");
  }

  /** Stops the server (SIGTERM) and removes its temp dir. Idempotent. */
  async stop(): Promise<void> {
    await this.#signal("SIGTERM");
    if (this.#dir !== null) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = null;
  }

  #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  }
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function answers(port: number | null, path: string | null): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = port !== null ? createConnection({ host: "127.0.0.1", port }) : createConnection({ path: path as string });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("version\r\n"));
    socket.on("data", (data: Buffer) => done(data.toString("latin1").startsWith("VERSION ")));
  });
}
