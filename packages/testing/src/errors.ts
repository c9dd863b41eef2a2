/**
 * Errors thrown by the testing kit. Each has a stable `code`; they are meant to fail the
 * test that misused a fake or whose expectation did not hold.
 */
import { TorsionError } from "@torsion/defer";

/**
 * A producer was misused on a fake transport: a second `registerProducer`, an
 * `unregisterProducer` with none registered, or pausing/resuming a transport that was
 * stopped or is disconnecting (Twisted raises `RuntimeError` in these cases).
 */
export class ProducerStateError extends TorsionError {
  override name = "ProducerStateError";
  override readonly code = "ERR_PRODUCER_STATE";
}

/**
 * `successResultOf`, `failureResultOf` or `assertNoResult` found a Deferred in another
 * state than expected. When the Deferred had failed, that failure's error is the `cause`.
 */
export class DeferredResultError extends TorsionError {
  override name = "DeferredResultError";
  override readonly code = "ERR_DEFERRED_RESULT";
}

/** `IOPump.flush()` was still moving data after its maximum number of rounds. */
export class PumpLimitError extends TorsionError {
  override name = "PumpLimitError";
  override readonly code = "ERR_PUMP_LIMIT";
}

/** `ConnectionCompleter` was asked to complete a connection, but none is pending. */
export class NoPendingConnectionError extends TorsionError {
  override name = "NoPendingConnectionError";
  override readonly code = "ERR_NO_PENDING_CONNECTION";
}

/** `connectPending` found no listening port of the `MemoryReactor` at the pending attempt's destination. */
export class NoListeningPortError extends TorsionError {
  override name = "NoListeningPortError";
  override readonly code = "ERR_NO_LISTENING_PORT";
}
