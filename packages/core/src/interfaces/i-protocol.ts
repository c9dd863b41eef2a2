import type { Failure } from "@torsion/defer";
import type { ITransport } from "./i-transport.js";

/**
 * The handler of one stream connection. Call order, enforced by `Protocol`:
 * `makeConnection` (which calls `connectionMade`) once, then `dataReceived` any number of
 * times, then `connectionLost` exactly once. Nothing is called after `connectionLost`.
 */
export interface IProtocol {
  /** Attaches the transport and calls `connectionMade`. Called once by the transport. */
  makeConnection(transport: ITransport): void;
  /** The connection is up; the transport is set. Called once, before any data. */
  connectionMade(): void;
  /**
   * Bytes arrived. Chunking is arbitrary (a message may arrive in many calls, or several
   * in one), so protocols must buffer. The buffer belongs to the protocol: it may keep it.
   * Never called before `connectionMade` or after `connectionLost`.
   */
  dataReceived(data: Buffer): void;
  /**
   * The connection is closed. `reason.value` is a `ConnectionDone` for a clean close, a
   * `ConnectionLost` (or subclass such as `ConnectionAborted`) otherwise, or the error a
   * protocol callback threw. Called exactly once, after `connectionMade`.
   */
  connectionLost(reason: Failure): void;
}

/**
 * Optional extension: a protocol with these methods sees half-closes. When the peer sends
 * FIN, the transport calls `readConnectionLost` instead of closing, and the protocol
 * decides when to close. After its own `loseWriteConnection` completes, it gets
 * `writeConnectionLost`. When both halves are closed, `connectionLost` follows.
 */
export interface IHalfCloseableProtocol {
  /** The peer will send no more data. Called at most once. */
  readConnectionLost(): void;
  /** Our write side is shut down (after `loseWriteConnection`). Called at most once. */
  writeConnectionLost(): void;
}

/** Whether `protocol` implements {@link IHalfCloseableProtocol}. */
export function isHalfCloseable(protocol: object): protocol is IHalfCloseableProtocol {
  const p = protocol as Partial<IHalfCloseableProtocol>;
  return typeof p.readConnectionLost === "function" && typeof p.writeConnectionLost === "function";
}
