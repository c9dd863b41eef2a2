import type { IConsumer } from "./i-consumer.js";
import type { IPushProducer } from "./i-producer.js";

/** A Twisted signal name (without the `SIG` prefix) or a signal number. */
export type ProcessSignal = "TERM" | "KILL" | "INT" | "HUP" | "STOP" | "CONT" | "QUIT" | "USR1" | "USR2" | number;

/**
 * The parent's handle on one child process (Twisted's `IProcessTransport`), given to
 * `IProcessProtocol.makeConnection`.
 *
 * It is an {@link IConsumer} for the child's stdin (a streaming producer is paused when
 * the stdin buffer passes the high-water mark and resumed on drain) and an
 * {@link IPushProducer} of the child's output (pausing stops reading every output pipe).
 */
export interface IProcessTransport extends IConsumer, IPushProducer {
  /** The child's process id; `null` once it has been reaped, and when it never started. */
  readonly pid: number | null;
  /** True from the first `loseConnection()` on. Read-only for protocols. */
  readonly disconnecting: boolean;
  /**
   * Queues `data` for the child's stdin (fd 0). Anything other than bytes throws
   * `TypeError`. Silently dropped when there is no writable fd 0 or it has been closed, as
   * in Twisted. Treat a written buffer as handed over.
   */
  write(data: Uint8Array): void;
  /** Writes each buffer in order to stdin; every element is checked first (one bad element: `TypeError`, nothing written). */
  writeSequence(data: Iterable<Uint8Array>): void;
  /**
   * Queues `data` for the pipe on child fd `fd`, which must be one the parent writes
   * (`'w'` in `childFDs`). Throws `ChildFDError` for an fd that is not such a pipe.
   * Silently dropped once that pipe is closed.
   */
  writeToChild(fd: number, data: Uint8Array): void;
  /**
   * Closes the parent's end of the pipe on child fd `fd`: a pipe the parent writes is
   * closed after its pending data is flushed (the child then reads EOF); a pipe the parent
   * reads is closed at once (unread output is discarded). `childConnectionLost(fd)`
   * follows. Idempotent; an fd without a pipe is ignored.
   */
  closeChildFD(fd: number): void;
  /** `closeChildFD(0)`: flushes pending input, then the child reads EOF. */
  closeStdin(): void;
  /** `closeChildFD(1)`. */
  closeStdout(): void;
  /** `closeChildFD(2)`. */
  closeStderr(): void;
  /**
   * Closes every pipe (stdin first, flushed; then stderr, then stdout). It does not kill
   * the child. Idempotent.
   */
  loseConnection(): void;
  /**
   * Sends a signal: Twisted's names without the `SIG` prefix (`'TERM'`, `'KILL'`, `'INT'`,
   * `'HUP'`, ...) or a number.
   *
   * @throws ProcessExitedAlready once the child has been reaped (also from `processExited`
   *   and `processEnded`), or when it never started
   */
  signalProcess(signal: ProcessSignal): void;
}
