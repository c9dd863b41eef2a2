/**
 * Child processes for the benchmarks: servers started (optionally pinned to a CPU) and
 * always stopped (SIGTERM, then SIGKILL), commands run with a hard timeout, and
 * `/proc/PID/status` readings. Every output buffer kept here is bounded.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";

/** The most output kept per child process (its tail), in characters. */
const MAX_OUTPUT = 64 * 1024;

let tasksetChecked: boolean | undefined;

/** Whether `taskset` can pin processes here (checked once). */
export function hasTaskset(): boolean {
  tasksetChecked ??= spawnSync("taskset", ["-c", "0", "true"], { stdio: "ignore" }).status === 0;
  return tasksetChecked;
}

/** `[cmd, ...args]` prefixed with `taskset -c CPU` when pinning is wanted and possible. */
export function pinned(cpu: string, argv: readonly string[]): string[] {
  return cpu !== "" && hasTaskset() ? ["taskset", "-c", cpu, ...argv] : [...argv];
}

/** Appends `chunk` to `text`, keeping only the last `MAX_OUTPUT` characters. */
function appendBounded(text: string, chunk: string): string {
  const joined = text + chunk;
  return joined.length > MAX_OUTPUT ? joined.slice(joined.length - MAX_OUTPUT) : joined;
}

/** A started server process. */
export class ServerProcess {
  readonly #child: ChildProcess;
  #output = "";
  #exited = false;
  readonly #exit: Promise<void>;

  constructor(argv: readonly string[]) {
    const [cmd, ...args] = argv;
    if (cmd === undefined) throw new Error("empty server command");
    this.#child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const keep = (d: Buffer): void => {
      this.#output = appendBounded(this.#output, d.toString());
    };
    this.#child.stdout?.on("data", keep);
    this.#child.stderr?.on("data", keep);
    this.#exit = new Promise((resolve) => {
      this.#child.on("exit", () => {
        this.#exited = true;
        resolve();
      });
      this.#child.on("error", (e) => {
        this.#output = appendBounded(this.#output, String(e));
        this.#exited = true;
        resolve();
      });
    });
    live.add(this);
  }

  /** The PID (with taskset, taskset execs the command, so this is the server's PID). */
  get pid(): number {
    return this.#child.pid ?? -1;
  }
  /** Whether the process is still running. */
  get alive(): boolean {
    return !this.#exited;
  }
  /** The tail of what it printed (stdout and stderr). */
  get output(): string {
    return this.#output;
  }

  /** Resolves with the first match of `re` in the output, or rejects after `timeoutMs`. */
  async waitForOutput(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.#output.match(re);
      if (m) return m;
      if (!this.alive) throw new Error(`server exited before printing ${re}: ${outputSummary(this.#output)}`);
      if (Date.now() > deadline) throw new Error(`server did not print ${re} within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 3000): Promise<void> {
    live.delete(this);
    if (this.#exited) return;
    this.#child.kill("SIGTERM");
    const timer = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), graceMs).unref());
    if ((await Promise.race([this.#exit.then(() => "done" as const), timer])) === "late") {
      this.#child.kill("SIGKILL");
      await this.#exit;
    }
  }

  /** Synchronous SIGKILL, for process exit paths. */
  killNow(): void {
    if (!this.#exited) this.#child.kill("SIGKILL");
  }
}

const live = new Set<ServerProcess>();

/** Commands started by `runCommand` and not finished yet. */
const running = new Set<ChildProcess>();

/** Kills every server and command still running (used on SIGINT/SIGTERM/exit of the driver). */
export function killAllServers(): void {
  for (const s of live) s.killNow();
  live.clear();
  for (const c of running) if (c.exitCode === null) c.kill("SIGKILL");
  running.clear();
}

/** The outcome of `runCommand`. */
export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs a command to completion; SIGKILLs it after `timeoutMs`. */
export function runCommand(argv: readonly string[], timeoutMs: number): Promise<CommandResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error("empty command");
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d: Buffer) => {
      stdout = appendBounded(stdout, d.toString());
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr = appendBounded(stderr, d.toString());
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (e) => {
      stderr = appendBounded(stderr, String(e));
    });
    child.on("close", (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** A field of `/proc/PID/status` in kB (`VmRSS`, `VmHWM`), or `undefined`. */
export function statusKb(pid: number, key: string): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, "m").exec(text);
    return m?.[1] === undefined ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls until `server` accepts a connection at `where`; throws if it exits or after `timeoutMs`. */
export async function waitForListening(
  where: { host: string; port: number } | { path: string },
  server: ServerProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const label = "path" in where ? where.path : `${where.host}:${where.port}`;
  while (Date.now() < deadline) {
    if (!server.alive) throw new Error(`server exited at start: ${outputSummary(server.output)}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(where, () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (up) return;
    await sleep(50);
  }
  throw new Error(`server not accepting on ${label} after ${timeoutMs} ms: ${outputSummary(server.output)}`);
}

/** One line that explains a server's output: its first error line, else its last line. */
export function outputSummary(text: string, max = 300): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const line = lines.find((l) => /\b\w*Error\b|error:/i.test(l) && !l.startsWith("at ")) ?? lines.at(-1) ?? "(no output)";
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

/** Promise-based sleep. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
