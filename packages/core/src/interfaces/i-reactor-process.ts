import type { IProcessProtocol } from "./i-process-protocol.js";
import type { IProcessTransport } from "./i-process-transport.js";

/**
 * What the parent does with each child fd (Twisted's `childFDs`): `'r'` a pipe the parent
 * reads (the child writes), `'w'` a pipe the parent writes (the child reads), or a number:
 * the parent's own fd of that number, inherited by the child. Fds not listed are closed in
 * the child (0, 1 and 2 are opened on `/dev/null` instead, which Node requires).
 */
export type ChildFDs = Readonly<Record<number, "r" | "w" | number>>;

/** Options of `spawnProcess` (Twisted's keyword arguments). */
export interface SpawnProcessOptions {
  /**
   * The child's environment. **Torsion inherits by default**: `"inherit"` (the default)
   * passes this process's `process.env`, `"empty"` passes none (Twisted's POSIX default),
   * and an object is the complete environment. The executable is looked up on the `PATH`
   * of the environment given (with no `PATH`, the system's default path).
   * @default "inherit"
   */
  readonly env?: "inherit" | "empty" | Readonly<Record<string, string | undefined>>;
  /** The child's working directory. @default this process's */
  readonly path?: string;
  /** Run the child as this user id (needs privileges). */
  readonly uid?: number;
  /** Run the child as this group id (needs privileges). */
  readonly gid?: number;
  /** @default `{0: 'w', 1: 'r', 2: 'r'}` */
  readonly childFDs?: ChildFDs;
  /**
   * Not supported: Node's core cannot allocate a pseudo-terminal without a native addon.
   * Any truthy value throws `PTYNotSupportedError`.
   */
  readonly usePTY?: boolean;
  /**
   * Where `reactor.stop()` leaves the child: `"terminate"` (the default) sends SIGTERM
   * and, if it has not ended after the reactor's grace period, SIGKILL; `"leave"` lets it
   * run (its pipes are closed, so it sees EOF on stdin), and the reactor does not wait
   * for it.
   * @default "terminate"
   */
  readonly onShutdown?: "terminate" | "leave";
}

/** Child processes (Twisted's `IReactorProcess`). */
export interface IReactorProcess {
  /**
   * Starts `executable` with the full argv `args` (**`args[0]` is argv[0]**, as in
   * Twisted; it may differ from `executable`), calls `protocol.makeConnection` before
   * returning, and returns the transport. A child that cannot be started still returns a
   * transport; the protocol then gets `processExited`/`processEnded` with a
   * `ProcessSpawnError`.
   *
   * @throws TypeError when `executable` or an element of `args` is not a string
   * @throws ChildFDError for a malformed `childFDs`
   * @throws PTYNotSupportedError when `usePTY` is set
   */
  spawnProcess(protocol: IProcessProtocol, executable: string, args: readonly string[], options?: SpawnProcessOptions): IProcessTransport;
}
