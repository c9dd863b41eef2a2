import type { Failure } from "@torsion/defer";
import type { IProcessTransport } from "./i-process-transport.js";

/**
 * The handler of one child process (Twisted's `IProcessProtocol`). Call order:
 *
 * 1. `makeConnection(transport)` once, **inside** `spawnProcess` (before it returns); it
 *    calls `connectionMade`. Writing to the child from there is fine.
 * 2. Any number of `childDataReceived(fd, data)` for the pipes the parent reads, and
 *    exactly one `childConnectionLost(fd)` for each pipe, in no fixed order between fds.
 *    Nothing arrives on an fd after its `childConnectionLost`.
 * 3. `processExited(reason)` once, when the child has been reaped. It may come **before
 *    the last output** (the pipes drain afterwards), as in Twisted.
 * 4. `processEnded(reason)` once and **last**, after `processExited` and after every
 *    pipe's `childConnectionLost`: only here is all output in. A grandchild that keeps a
 *    pipe open delays it.
 *
 * `reason.value` is a `ProcessDone` (exit code 0, no signal), a `ProcessTerminated`
 * (`exitCode`, `signal`, `status`), or a `ProcessSpawnError` (a `ProcessTerminated`
 * naming the executable) when the child could not be started.
 *
 * Any callback may return a promise (an `async` method): a rejection is handled like a
 * throw. A throw in `childDataReceived` is reported through the reactor's error reporter
 * and closes that fd (as Twisted closes the pipe whose reader failed); a throw anywhere
 * else is reported. Neither kills the child.
 */
export interface IProcessProtocol {
  /**
   * Attaches the transport and calls `connectionMade`, returning what it returns (so an
   * `async` `connectionMade`'s failure is handled like a throw). Called once by the
   * transport.
   */
  makeConnection(transport: IProcessTransport): void | PromiseLike<unknown>;
  /** The process was started (or its start was attempted); the transport is set. */
  connectionMade(): void | PromiseLike<unknown>;
  /** Bytes the child wrote on `fd` (1 is stdout, 2 is stderr). The buffer is the protocol's to keep. */
  childDataReceived(fd: number, data: Buffer): void | PromiseLike<unknown>;
  /** The pipe on child fd `fd` is closed (EOF, error, or closed by the parent). Once per fd. */
  childConnectionLost(fd: number): void | PromiseLike<unknown>;
  /** The child was reaped; output may still be arriving. Called once. */
  processExited(reason: Failure): void | PromiseLike<unknown>;
  /** The child was reaped and every pipe is closed: the last call. Called once. */
  processEnded(reason: Failure): void | PromiseLike<unknown>;
}
