import type { ChildProcess } from "node:child_process";
import {
  ChildFDError,
  type ChildFDs,
  type IProcessProtocol,
  type IProcessTransport,
  type ITransportHost,
  type SpawnProcessOptions,
} from "@torsion/core";
import { PTYNotSupportedError } from "./errors.js";
import { nodeChildProcess } from "./lazy-builtins.js";
import { ProcessTransport } from "./process-transport.js";

/** Twisted's default `childFDs`. */
export const DEFAULT_CHILD_FDS: ChildFDs = Object.freeze({ 0: "w", 1: "r", 2: "r" });

/** The highest child fd `childFDs` may name (Node's stdio array is dense up to it). */
const MAX_CHILD_FD = 255;

type StdioEntry = "pipe" | "ignore" | number;

/** Node's dense `stdio` array for `childFDs`, and the parent's role on each piped fd. */
export function stdioFor(childFDs: ChildFDs): { stdio: StdioEntry[]; pipes: Map<number, "r" | "w"> } {
  if ((childFDs as unknown) === null || typeof (childFDs as unknown) !== "object")
    throw new ChildFDError("childFDs must be an object mapping child fds to 'r', 'w' or a parent fd");
  const pipes = new Map<number, "r" | "w">();
  const entries = new Map<number, StdioEntry>();
  for (const [key, value] of Object.entries(childFDs)) {
    const fd = Number(key);
    if (!Number.isInteger(fd) || fd < 0 || fd > MAX_CHILD_FD || String(fd) !== key) {
      throw new ChildFDError(`childFDs key ${JSON.stringify(key)} is not a child fd (an integer 0..${MAX_CHILD_FD})`);
    }
    if (value === "r" || value === "w") {
      pipes.set(fd, value);
      entries.set(fd, "pipe");
    } else if (typeof value === "number" && Number.isInteger(value) && value >= 0) {
      entries.set(fd, value);
    } else {
      throw new ChildFDError(`childFDs[${fd}] must be 'r', 'w' or a parent fd number, not ${JSON.stringify(value)}`);
    }
  }
  const top = Math.max(2, ...entries.keys());
  const stdio: StdioEntry[] = [];
  for (let fd = 0; fd <= top; fd++) stdio.push(entries.get(fd) ?? "ignore");
  return { stdio, pipes };
}

/**
 * `stdioFor(DEFAULT_CHILD_FDS)`, computed once: most children use the default. Never
 * mutated (Node's `spawn` copies `stdio`; the transport only reads `pipes`).
 */
const DEFAULT_STDIO: { readonly stdio: StdioEntry[]; readonly pipes: ReadonlyMap<number, "r" | "w"> } = stdioFor(DEFAULT_CHILD_FDS);

function checkArguments(executable: unknown, args: unknown): readonly string[] {
  if (typeof executable !== "string" || executable === "") throw new TypeError("executable must be a non-empty string");
  if (!Array.isArray(args)) throw new TypeError("args must be an array of strings (args[0] is argv[0])");
  for (const arg of args as unknown[]) {
    if (typeof arg !== "string") throw new TypeError(`every argument must be a string, got ${typeof arg}`);
    if (arg.includes("\0")) throw new TypeError("arguments must not contain NUL bytes");
  }
  return args as string[];
}

function environment(env: SpawnProcessOptions["env"]): NodeJS.ProcessEnv {
  if (env === undefined || env === "inherit") return process.env;
  if (env === "empty") return {};
  // The type rules the rest out, but JavaScript callers can pass anything.
  const value: unknown = env;
  if (value === null || typeof value !== "object") throw new TypeError(`env must be "inherit", "empty" or an object, not ${String(value)}`);
  return { ...env };
}

/** Whether `error` is a system error (an errno code such as ENOENT), not an argument error. */
function isSystemError(error: unknown): error is Error & { code: string } {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === "string" &&
    /^E[A-Z0-9]+$/.test((error as unknown as { code: string }).code)
  );
}

/**
 * Twisted's `reactor.spawnProcess`, on `host` (the reactor): starts `executable` with the
 * full argv `args` (`args[0]` becomes argv[0]; the rest are the arguments), connects
 * `protocol` before returning, and returns the transport. See `IReactorProcess`.
 *
 * The environment is **inherited by default** (`env: "empty"` gives Twisted's POSIX
 * default). The pipes are Node's: Unix socketpairs rather than `pipe(2)` pairs (a child
 * testing `S_ISFIFO` on its stdout sees a socket), with the direction enforced here.
 *
 * @throws TypeError for a non-string executable or argument
 * @throws ChildFDError for a malformed `childFDs`
 * @throws PTYNotSupportedError when `usePTY` is set
 */
export function spawnProcess(
  host: ITransportHost,
  protocol: IProcessProtocol,
  executable: string,
  args: readonly string[] = [executable],
  options: SpawnProcessOptions = {},
): IProcessTransport {
  if (options.usePTY) throw new PTYNotSupportedError();
  const argv = checkArguments(executable, args);
  const childFDs = options.childFDs ?? DEFAULT_CHILD_FDS;
  const { stdio, pipes } = childFDs === DEFAULT_CHILD_FDS ? DEFAULT_STDIO : stdioFor(childFDs);
  const env = environment(options.env);
  const onShutdown = options.onShutdown ?? "terminate";
  if ((onShutdown as string) !== "terminate" && (onShutdown as string) !== "leave")
    throw new TypeError(`onShutdown must be "terminate" or "leave"`);
  let child: ChildProcess | null = null;
  let spawnError: (Error & { code?: unknown }) | null = null;
  try {
    child = nodeChildProcess().spawn(executable, argv.slice(1), {
      argv0: argv[0] ?? executable,
      env,
      stdio,
      shell: false,
      windowsHide: true,
      ...(options.path === undefined ? {} : { cwd: options.path }),
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
    });
  } catch (error) {
    if (!isSystemError(error)) throw error;
    spawnError = error;
  }
  return new ProcessTransport({ host, protocol, executable, child, spawnError, pipes, onShutdown });
}
