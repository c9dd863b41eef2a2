import type { Failure } from "@torsion/defer";
import type { ITransport } from "./i-transport.js";

/**
 * What a protocol or factory callback may return: nothing, or a promise/Deferred (an
 * `async` method). Transports do not wait for it; if it fails, the failure is handled as if
 * the callback had thrown it (reported once, and for a connection callback the connection
 * is aborted with it as the `connectionLost` reason).
 */
export type CallbackResult = void | PromiseLike<unknown>;

/**
 * The handler of one stream connection. Call order, enforced by the transport:
 * `makeConnection` (which calls `connectionMade`) once, then `dataReceived` any number of
 * times, then `connectionLost` exactly once. Nothing is called after `connectionLost`.
 *
 * Each callback may be `async` (see {@link CallbackResult}): a callback that throws, or
 * whose returned promise/Deferred fails, with any value at all, is reported through the
 * host's error reporter and aborts only its own connection, with that error as the
 * `connectionLost` reason. A failure in `connectionLost` itself is only reported.
 */
export interface IProtocol {
  /**
   * Attaches the transport and calls `connectionMade`, returning its result. Called once
   * by the transport.
   */
  makeConnection(transport: ITransport): CallbackResult;
  /** The connection is up; the transport is set. Called once, before any data. */
  connectionMade(): CallbackResult;
  /**
   * Bytes arrived. Chunking is arbitrary (a message may arrive in many calls, or several
   * in one), so protocols must buffer. The buffer belongs to the protocol: it may keep it.
   * Never called before `connectionMade` or after `connectionLost`, nor once the transport
   * is `disconnecting`. A returned promise is not awaited: the next chunk may arrive
   * before it settles (pause the transport to hold data back).
   */
  dataReceived(data: Buffer): CallbackResult;
  /**
   * The connection is closed. `reason.value` is a `ConnectionDone` for a clean close, a
   * `ConnectionLost` (or subclass such as `ConnectionAborted`) otherwise, or the error a
   * protocol callback threw (wrapped in `ThrownValueError` when it was not an `Error`).
   * Called exactly once, after `connectionMade`.
   */
  connectionLost(reason: Failure): CallbackResult;
}

/**
 * Optional extension: a protocol with these methods sees half-closes. When the peer sends
 * FIN, the transport calls `readConnectionLost` instead of closing, and the protocol
 * decides when to close. After its own `loseWriteConnection` completes, it gets
 * `writeConnectionLost`. When both halves are closed, `connectionLost` follows.
 */
export interface IHalfCloseableProtocol {
  /** The peer will send no more data. Called at most once. */
  readConnectionLost(): CallbackResult;
  /** Our write side is shut down (after `loseWriteConnection`). Called at most once. */
  writeConnectionLost(): CallbackResult;
}

/** Whether `protocol` implements {@link IHalfCloseableProtocol}. */
export function isHalfCloseable(protocol: object): protocol is IHalfCloseableProtocol {
  const p = protocol as Partial<IHalfCloseableProtocol>;
  return typeof p.readConnectionLost === "function" && typeof p.writeConnectionLost === "function";
}
