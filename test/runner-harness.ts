/**
 * Helpers for the runner's child-process tests: start `torsion` (the bin script) in a
 * process group of its own, wait for its log lines, talk to it over loopback, and kill
 * the whole group afterwards so no worker is left behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../", import.meta.url));
export const torsionBin = "packages/torsion/bin/torsion.js";

/** A running `torsion` process. */
export interface RunnerProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The first match of `pattern` in stdout (waiting for it), or a rejection after `ms`. */
  waitFor(pattern: RegExp, ms: number): Promise<RegExpMatchArray>;
  /** Calls `listener` with every complete stdout line from now on; returns the unsubscriber. */
  onLine(listener: (line: string) => void): () => void;
  /** Every match of the global `pattern` in stdout so far. */
  matches(pattern: RegExp): RegExpMatchArray[];
  /** Exit code and signal; rejects after `ms`. */
  exited(ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs the whole process group (idempotent). */
  killGroup(): void;
}

const started = new Set<RunnerProcess>();

/** Starts `node torsion.js ...args` from the repository root, in its own process group. */
export function startRunner(args: readonly string[], env: NodeJS.ProcessEnv = {}): RunnerProcess {
  const childEnv = { ...process.env, ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [torsionBin, ...args], {
    cwd: repoRoot,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  let err = "";
  const wakers = new Set<() => void>();
  const lineListeners = new Set<(line: string) => void>();
  let partial = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    out += text;
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) for (const listener of [...lineListeners]) listener(line);
    for (const wake of [...wakers]) wake();
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => (err += text));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const runner: RunnerProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (pattern, ms) =>
      waitForMatch(
        () => out,
        pattern,
        ms,
        wakers,
        () => err,
      ),
    onLine: (listener) => {
      lineListeners.add(listener);
      return () => lineListeners.delete(listener);
    },
    matches: (pattern) => [...out.matchAll(pattern)],
    exited: (ms) => withDeadline(exit, ms, () => `torsion ${args.join(" ")} did not exit within ${ms} ms; stdout: ${out}; stderr: ${err}`),
    killGroup: () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    },
  };
  started.add(runner);
  return runner;
}

/** Kills every group started so far (for `after`). */
export function killAllRunners(): void {
  for (const runner of started) runner.killGroup();
  started.clear();
}

function waitForMatch(
  text: () => string,
  pattern: RegExp,
  ms: number,
  wakers: Set<() => void>,
  stderr: () => string,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = text().match(pattern);
      if (match === null) return;
      clearTimeout(timer);
      wakers.delete(check);
      resolve(match);
    };
    const timer = setTimeout(() => {
      wakers.delete(check);
      reject(new Error(`no match for ${pattern} within ${ms} ms; stdout: ${text()}; stderr: ${stderr()}`));
    }, ms);
    wakers.add(check);
    check();
  });
}

export function withDeadline<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The port in a runner's `listening on ... port=N` line. */
export async function listeningPort(runner: RunnerProcess, ms = 10_000): Promise<number> {
  const match = await runner.waitFor(/listening on \S+ \(IPv4Address\(type='TCP', host='127\.0\.0\.1', port=(\d+)\)\)/, ms);
  return Number(match[1]);
}

/** A TCP port that was free a moment ago (for `--workers`, where each worker's reported port is 0). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Connects, sends `send` (if any), half-closes, and collects everything until the server closes. */
export function exchange(port: number, send: Buffer | null, ms = 10_000): Promise<Buffer> {
  return withDeadline(
    new Promise<Buffer>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1");
      const chunks: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      socket.on("error", reject);
      socket.on("end", () => resolve(Buffer.concat(chunks)));
      if (send !== null) socket.end(send);
    }),
    ms,
    () => `exchange with port ${port} did not finish within ${ms} ms`,
  );
}

/** Connects and resolves with the first line the server sends (the pid server's pid), keeping the socket open. */
export function firstLine(port: number, ms = 10_000): Promise<{ line: string; socket: net.Socket }> {
  const socket = net.connect(port, "127.0.0.1");
  const line = new Promise<{ line: string; socket: net.Socket }>((resolve, reject) => {
    let text = "";
    socket.setEncoding("utf8");
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      text += chunk;
      const end = text.indexOf("\n");
      if (end >= 0) resolve({ line: text.slice(0, end), socket });
    });
  });
  return withDeadline(line, ms, () => `no line from port ${port} within ${ms} ms`).catch((error: unknown) => {
    socket.destroy();
    throw error;
  });
}

/**
 * The first line of `clients` concurrent connections. Every socket is closed when any of
 * them fails, so a failure cannot leave sockets holding the test process open.
 */
export async function firstLines(port: number, clients: number, ms = 10_000): Promise<{ line: string; socket: net.Socket }[]> {
  const settled = await Promise.allSettled(Array.from({ length: clients }, () => firstLine(port, ms)));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed === undefined) return settled.map((r) => (r as PromiseFulfilledResult<{ line: string; socket: net.Socket }>).value);
  for (const r of settled) if (r.status === "fulfilled") r.value.socket.destroy();
  const count = settled.filter((r) => r.status === "rejected").length;
  throw new Error(`${count} of ${clients} connections failed; first: ${String(failed.reason)}`, { cause: failed.reason });
}
