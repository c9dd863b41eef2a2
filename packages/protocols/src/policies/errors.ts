/**
 * Typed errors of the policies, reconnecting-client and cooperative-task modules of
 * `@torsion/protocols`. Each has Twisted's name where Twisted has one, a stable `code`,
 * and the standard `cause` when another error is behind it.
 */
import { TorsionError } from "@torsion/defer";

/**
 * `ReconnectingClientFactory.retry()` was called without a connector while the factory
 * has not remembered one yet (no `clientConnectionFailed`/`clientConnectionLost` so far).
 * Twisted raises `ValueError("no connector to retry")` here.
 */
export class NoConnectorError extends TorsionError {
  override name = "NoConnectorError";
  override readonly code: string = "ERR_NO_CONNECTOR_TO_RETRY";
  constructor(message = "no connector to retry", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * A policy needed to schedule a call but was given no clock. Torsion has no global
 * reactor fallback: pass `clock` (any `IReactorTime`, such as the reactor or a test
 * `Clock`) to the constructor or set the `clock` property first.
 */
export class NoClockError extends TorsionError {
  override name = "NoClockError";
  override readonly code: string = "ERR_NO_CLOCK";
}

/** An option given to a policy is out of range (a negative limit, a NaN delay...). */
export class InvalidPolicyOptionError extends TorsionError {
  override name = "InvalidPolicyOptionError";
  override readonly code: string = "ERR_INVALID_POLICY_OPTION";
}

/**
 * A `ProtocolWrapper` was asked for a transport method that the real transport does not
 * provide (for example `loseWriteConnection` over a transport without half-close).
 */
export class UnsupportedTransportMethodError extends TorsionError {
  override name = "UnsupportedTransportMethodError";
  override readonly code: string = "ERR_UNSUPPORTED_TRANSPORT_METHOD";
}

/** Base of the errors of the cooperative scheduler (`Cooperator`, `CooperativeTask`). */
export class SchedulerError extends TorsionError {
  override name = "SchedulerError";
  override readonly code: string = "ERR_SCHEDULER";
}

/**
 * The `Cooperator` was stopped: the reason every unfinished task's `whenDone()` Deferred
 * fails with, and for tasks added to a stopped cooperator.
 */
export class SchedulerStopped extends SchedulerError {
  override name = "SchedulerStopped";
  override readonly code: string = "ERR_SCHEDULER_STOPPED";
  constructor(message = "the cooperator was stopped", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Base of the errors thrown by `pause()`/`stop()` on a task that already finished; the
 * subclass says how it finished.
 */
export class TaskFinished extends SchedulerError {
  override name = "TaskFinished";
  override readonly code: string = "ERR_TASK_FINISHED";
}

/** The task's iterator was exhausted. */
export class TaskDone extends TaskFinished {
  override name = "TaskDone";
  override readonly code: string = "ERR_TASK_DONE";
  constructor(message = "the task's iterator is exhausted", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The task was stopped with `stop()` (also the reason its `whenDone()` fails with). */
export class TaskStopped extends TaskFinished {
  override name = "TaskStopped";
  override readonly code: string = "ERR_TASK_STOPPED";
  constructor(message = "the task was stopped", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The task's iterator threw, or a Deferred it yielded failed. The `whenDone()` Deferred
 * fails with the original error, not with this; this is what later `pause()`/`stop()`
 * calls throw, with the original error as `cause`.
 */
export class TaskFailed extends TaskFinished {
  override name = "TaskFailed";
  override readonly code: string = "ERR_TASK_FAILED";
  constructor(message = "the task failed", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `resume()` was called on a task that is not paused. */
export class NotPaused extends SchedulerError {
  override name = "NotPaused";
  override readonly code: string = "ERR_TASK_NOT_PAUSED";
  constructor(message = "the task is not paused", options?: ErrorOptions) {
    super(message, options);
  }
}
