import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root, from a compiled test in `dist-test/`. */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The result of a finished child process. */
export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running child process with its output collected so far. */
export interface Running {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first stdout line matching `pattern`, or rejects after `ms`. */
  waitForLine(pattern: RegExp, ms: number): Promise<RegExpMatchArray>;
  /** Resolves when the process exits, or kills it and rejects after `ms`. */
  finished(ms: number): Promise<Finished>;
}

/** Starts `node <script> ...args` from the repository root. */
export function startNode(script: string, args: readonly string[]): Running {
  const child = spawn(process.execPath, [script, ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const lineWaiters: (() => void)[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const wake of lineWaiters.splice(0)) wake();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<Finished>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    output: () => stdout,
    waitForLine(pattern, ms) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} within ${ms} ms; stdout: ${stdout}; stderr: ${stderr}`)),
          ms,
        );
        const check = (): void => {
          const match = stdout.match(pattern);
          if (match) {
            clearTimeout(timer);
            resolve(match);
          } else {
            lineWaiters.push(check);
          }
        };
        check();
      });
    },
    finished(ms) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`process did not exit within ${ms} ms; stdout: ${stdout}; stderr: ${stderr}`));
        }, ms);
      });
      return Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    },
  };
}
