/** The errors of `@torsion/threads`. */
import { TorsionError } from "@torsion/defer";

/** The worker running a task died (an uncaught exception, `process.exit`, out of memory). */
export class WorkerCrashed extends TorsionError {
  override name = "WorkerCrashed";
  override readonly code: string = "ERR_WORKER_CRASHED";
  /** The worker's exit code, when it exited. */
  readonly exitCode: number | null;

  constructor(message: string, exitCode: number | null = null, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** The pool was stopped: the task was still queued, was submitted afterwards, or was terminated by `stop()`. */
export class PoolStopped extends TorsionError {
  override name = "PoolStopped";
  override readonly code: string = "ERR_POOL_STOPPED";
  constructor(message = "The thread pool has been stopped.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The worker could not find the named task in its module. */
export class TaskNotFound extends TorsionError {
  override name = "TaskNotFound";
  override readonly code: string = "ERR_TASK_NOT_FOUND";
}

/** `blockingCallFromThread` waited longer than its timeout for the reactor's answer. */
export class BlockingCallTimeout extends TorsionError {
  override name = "BlockingCallTimeout";
  override readonly code: string = "ERR_BLOCKING_CALL_TIMEOUT";
}

/**
 * A thread-only function was called on the wrong thread: `blockingCallFromThread` on the
 * main thread (where it would deadlock the reactor), or a worker-only API outside a pool
 * worker.
 */
export class WrongThreadError extends TorsionError {
  override name = "WrongThreadError";
  override readonly code: string = "ERR_WRONG_THREAD";
}

/** `callFromThread`/`blockingCallFromThread` named a function nobody registered on the main thread. */
export class UnknownMainThreadFunction extends TorsionError {
  override name = "UnknownMainThreadFunction";
  override readonly code: string = "ERR_UNKNOWN_MAIN_THREAD_FUNCTION";
}

/**
 * An error thrown by a task whose class is not registered on this side
 * (`registerErrorClass`): it keeps the remote `name`, `message`, `code`, `stack` and own
 * properties; `remoteName` is the remote class name.
 */
export class RemoteError extends TorsionError {
  override name = "RemoteError";
  override readonly code: string = "ERR_REMOTE";
  /** The class name the error had in the thread that threw it. */
  remoteName = "Error";
}
