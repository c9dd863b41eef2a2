import createDebug from "debug";
import type { Failure } from "@torsion/defer";
import type { IProcessProtocol, IProcessTransport } from "@torsion/core";

const debug = createDebug("torsion:process:protocol");

/**
 * The base class of process protocols (Twisted's `ProcessProtocol`): subclass it and
 * override what you need. See `IProcessProtocol` for the call order.
 *
 * `childDataReceived(fd, data)` dispatches fd 1 to `outReceived` and fd 2 to
 * `errReceived` (other fds only reach `childDataReceived`); `childConnectionLost(fd)`
 * dispatches 0, 1, 2 to `inConnectionLost`, `outConnectionLost`, `errConnectionLost`.
 * Collect output until `processEnded`, not `processExited`: the child may be reaped
 * before its last output is read.
 *
 * @example
 * ```ts
 * class Collect extends ProcessProtocol {
 *   readonly chunks: Buffer[] = [];
 *   override outReceived(data: Buffer) { this.chunks.push(data); }
 *   override processEnded(reason: Failure) { console.log(Buffer.concat(this.chunks).toString(), reason.value); }
 * }
 * reactor.spawnProcess(new Collect(), "ls", ["ls", "-l"]);
 * ```
 */
export class ProcessProtocol implements IProcessProtocol {
  /** True between `makeConnection` and `processEnded`. */
  connected = false;
  /** The transport, set by `makeConnection`; `null` before. */
  transport: IProcessTransport | null = null;

  /**
   * Attaches `transport` and calls `connectionMade`, returning what it returns (every
   * transport runs this through its guard, which handles a returned promise). Called
   * once, by the transport.
   */
  makeConnection(transport: IProcessTransport): void | PromiseLike<unknown> {
    this.connected = true;
    this.transport = transport;
    return this.connectionMade();
  }

  /** Override: the process was started (called inside `spawnProcess`). */
  connectionMade(): void | PromiseLike<unknown> {}

  /** Dispatches fd 1 to `outReceived`, fd 2 to `errReceived`; other fds are discarded. */
  childDataReceived(fd: number, data: Buffer): void | PromiseLike<unknown> {
    if (fd === 1) return this.outReceived(data);
    if (fd === 2) return this.errReceived(data);
    debug("%s discarded %d bytes from fd %d", this.constructor.name, data.length, fd);
    return undefined;
  }

  /** Override: the child wrote `data` to its stdout. */
  outReceived(data: Buffer): void | PromiseLike<unknown> {}

  /** Override: the child wrote `data` to its stderr. */
  errReceived(data: Buffer): void | PromiseLike<unknown> {}

  /** Dispatches fds 0, 1, 2 to `inConnectionLost`, `outConnectionLost`, `errConnectionLost`. */
  childConnectionLost(fd: number): void | PromiseLike<unknown> {
    if (fd === 0) return this.inConnectionLost();
    if (fd === 1) return this.outConnectionLost();
    if (fd === 2) return this.errConnectionLost();
    return undefined;
  }

  /** Override: the child's stdin is closed. */
  inConnectionLost(): void | PromiseLike<unknown> {}

  /** Override: the child's stdout is closed. */
  outConnectionLost(): void | PromiseLike<unknown> {}

  /** Override: the child's stderr is closed. */
  errConnectionLost(): void | PromiseLike<unknown> {}

  /** Override: the child was reaped (output may still be arriving). */
  processExited(reason: Failure): void | PromiseLike<unknown> {}

  /** Override: the child was reaped and every pipe is closed; the last call. */
  processEnded(reason: Failure): void | PromiseLike<unknown> {}
}
