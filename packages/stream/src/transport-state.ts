/**
 * The states of one {@link StreamTransport}, as one discriminated union: what is known in
 * a state is a field of that state only (the protocol exists only while open or closing,
 * the close reason only once closing), so no field is ever read in a state where it is
 * meaningless. States are immutable; a transition replaces the object.
 */
import { Failure } from "@torsion/defer";
import { ConnectionDone, ConnectionLost, type IHalfCloseableProtocol, type IProtocol } from "@torsion/core";

/**
 * The reason of every clean close, shared as in Twisted (`main.CONNECTION_DONE`): building
 * an Error (with its stack) per connection is a measurable part of connection churn.
 * Frozen, so no protocol can alter what the next connection sees.
 */
export const CONNECTION_DONE: Failure = Object.freeze(new Failure(Object.freeze(new ConnectionDone())));

/** The socket exists (connecting, or handed over by a port) but no protocol is attached yet. */
export interface PendingState {
  readonly phase: "pending";
}

/** The protocol is attached and the connection is not closing. */
export interface OpenState {
  readonly phase: "open";
  readonly protocol: IProtocol;
  /** The protocol, when it handles half-closes; `null` otherwise. */
  readonly halfCloseable: IHalfCloseableProtocol | null;
  /** The peer sent FIN (only reachable with a half-closeable protocol). */
  readonly readClosed: boolean;
  /** `loseWriteConnection` was called: our FIN is queued or sent. */
  readonly writeClosed: boolean;
  /** `pauseProducing` stopped reading. */
  readonly paused: boolean;
}

/**
 * `loseConnection`/`abortConnection` was called, a callback failed or the socket failed:
 * `disconnecting` is true and no data is delivered any more. Ends with the socket's close.
 */
export interface ClosingState {
  readonly phase: "closing";
  readonly protocol: IProtocol;
  readonly halfCloseable: IHalfCloseableProtocol | null;
  readonly writeClosed: boolean;
  /** `loseConnection` waits for the registered producer to unregister (its writes still go out). */
  readonly waitingForProducer: boolean;
  /** What `connectionLost` will get. */
  readonly reason: Failure;
}

/** The socket closed and `connectionLost` ran (or is running). Final. */
export interface ClosedState {
  readonly phase: "closed";
}

/** Where a {@link StreamTransport} is. */
export type TransportState = PendingState | OpenState | ClosingState | ClosedState;

/** The one pending state (it carries nothing). */
export const PENDING: PendingState = Object.freeze({ phase: "pending" });
/** The one closed state. */
export const CLOSED: ClosedState = Object.freeze({ phase: "closed" });

/** The open state a protocol starts in. */
export function opened(protocol: IProtocol, halfCloseable: IHalfCloseableProtocol | null): OpenState {
  return { phase: "open", protocol, halfCloseable, readClosed: false, writeClosed: false, paused: false };
}

/** The closing state that follows `state` (open or closing) with `reason`. */
export function closing(state: OpenState | ClosingState, reason: Failure, waitingForProducer = false): ClosingState {
  return {
    phase: "closing",
    protocol: state.protocol,
    halfCloseable: state.halfCloseable,
    writeClosed: state.writeClosed,
    waitingForProducer,
    reason,
  };
}

/** The reason `connectionLost` gets when the socket closes in `state`. */
export function reasonAtClose(state: OpenState | ClosingState): Failure {
  if (state.phase === "closing") return state.reason;
  return state.readClosed && state.writeClosed ? CONNECTION_DONE : new Failure(new ConnectionLost());
}
