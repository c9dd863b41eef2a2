import { ConnectionAborted, ConnectionDone, ConnectionLost, isHalfCloseable, watchResult, type IProtocol } from "@torsion/core";
import { reportError } from "@torsion/defer";
import { PumpLimitError } from "./errors.js";
import type { FakeTransport } from "./fake-transport.js";

/** Options of {@link IOPump}. */
export interface IOPumpOptions {
  /**
   * Largest slice given to one `dataReceived` call; a positive integer or `Infinity`.
   * @default Infinity (everything pending in one call)
   */
  readonly chunkSize?: number;
  /** A clock advanced by 0 at the start of every pump round (e.g. the test `Clock`). */
  readonly clock?: { advance(amount: number): void } | null;
  /**
   * Called once for each protocol callback whose returned promise or Deferred failed
   * (see {@link IOPump.watch}), with the error and a description of the callback.
   * @default `reportError` of `@torsion/defer` (the process's error reporter), as a real
   *   transport reports through its reactor
   */
  readonly reportError?: (error: unknown, context: string) => void;
}

/**
 * Moves bytes and closes between two {@link FakeTransport}s, as Twisted's `iosim.IOPump`.
 *
 * One {@link pump} round: advance the clock by 0; deliver a pending abort; ask pull
 * producers for data; move every pending byte each way (client to server first) in
 * slices of `chunkSize`; and only when no byte moved, carry out one pending half-close
 * or close. Exceptions thrown by the protocols propagate to the caller of `pump`.
 *
 * Close semantics: `loseConnection` on either end gives both protocols `ConnectionDone`
 * (the closing end first); `abortConnection` gives the aborting end `ConnectionAborted`
 * and the other `ConnectionLost`, dropping unsent bytes both ways; `loseWriteConnection`
 * gives the writer `writeConnectionLost` and the peer `readConnectionLost` when the peer
 * is an `IHalfCloseableProtocol` (the connection closes with `ConnectionDone` once both
 * ends half-closed), and otherwise closes the connection with `ConnectionDone`.
 * As in Twisted's iosim, an end that called `loseConnection` keeps receiving data until
 * the close is carried out (once both directions are quiet); a paused end
 * (`transport.pauseProducing()`) receives nothing until it is resumed.
 *
 * Async handlers: when a callback the pump makes (`dataReceived`, `readConnectionLost`,
 * `writeConnectionLost`, `connectionLost`) returns a promise or Deferred that fails, the
 * failure is handled as a real transport handles it: reported once through
 * `reportError`, and that end aborted, its `connectionLost` getting the error itself as
 * the reason (the peer gets `ConnectionLost`) on the next pump round. A failure arrives
 * after the callback returned, so let the promise settle (e.g. `await` a turn) and pump
 * again to see the close. `connectedServerAndClient` and `connectPending` watch what
 * `makeConnection` returns the same way.
 */
export class IOPump {
  readonly client: IProtocol;
  readonly server: IProtocol;
  readonly clientIO: FakeTransport;
  readonly serverIO: FakeTransport;
  readonly #chunkSize: number;
  readonly #clock: { advance(amount: number): void } | null;
  readonly #report: (error: unknown, context: string) => void;
  /** Ends aborted by a failed async callback, with the error for their `connectionLost`. */
  readonly #failed = new Map<FakeTransport, unknown>();

  constructor(client: IProtocol, server: IProtocol, clientIO: FakeTransport, serverIO: FakeTransport, options: IOPumpOptions = {}) {
    const chunkSize = options.chunkSize ?? Infinity;
    if (!(chunkSize === Infinity || (Number.isInteger(chunkSize) && chunkSize >= 1))) {
      throw new RangeError(`chunkSize must be a positive integer or Infinity, not ${chunkSize}`);
    }
    this.client = client;
    this.server = server;
    this.clientIO = clientIO;
    this.serverIO = serverIO;
    this.#chunkSize = chunkSize;
    this.#clock = options.clock ?? null;
    this.#report = options.reportError ?? reportError;
  }

  /**
   * Watches what a callback of the protocol on `io` (one of this pump's two ends)
   * returned: when it is a promise or Deferred that fails, the error is reported once and,
   * unless that end is already closed, the end is aborted with the error as its
   * `connectionLost` reason (delivered on the next pump round). Anything else is ignored.
   *
   * @param what - the callback's name, for the report (e.g. `"dataReceived"`)
   */
  watch(io: FakeTransport, result: unknown, what: string): void {
    watchResult(result, (error) => {
      this.#report(error, `Unhandled error in ${io.protocol.constructor.name}.${what}`);
      if (io.disconnected || this.#failed.has(io)) return;
      this.#failed.set(io, error);
      io.abortConnection();
    });
  }

  /** Runs one round (see the class notes). Returns whether anything happened. */
  pump(): boolean {
    this.#clock?.advance(0);
    const c = this.clientIO;
    const s = this.serverIO;
    if (this.#abort(c, s) || this.#abort(s, c)) return true;
    this.#pollProducer(c);
    this.#pollProducer(s);
    const movedUp = this.#deliver(c, s);
    const movedDown = this.#deliver(s, c);
    if (movedUp || movedDown) return true;
    return this.#halfClose(c, s) || this.#halfClose(s, c) || this.#close(c, s) || this.#close(s, c);
  }

  /**
   * Pumps until a round does nothing.
   *
   * @param maxRounds - @default 1000
   * @returns whether anything happened
   * @throws PumpLimitError when still busy after `maxRounds` rounds (e.g. an endless
   *   ping-pong)
   */
  flush(maxRounds = 1000): boolean {
    for (let round = 0; round < maxRounds; round++) {
      if (!this.pump()) return round > 0;
    }
    throw new PumpLimitError(`IOPump still busy after ${maxRounds} rounds`);
  }

  #pollProducer(io: FakeTransport): void {
    if (io.producer !== null && io.streaming === false && !io.disconnected) {
      (io.producer as { resumeProducing?: () => void }).resumeProducing?.();
    }
  }

  #deliver(from: FakeTransport, to: FakeTransport): boolean {
    if (!from.hasPendingOutput || to.readingPaused) return false;
    const data = from.takeOutput();
    if (data === null) return false;
    if (to.disconnected || to.disconnecting) return false;
    for (let offset = 0; offset < data.length; offset += this.#chunkSize) {
      // The protocol may have paused or closed `to` while handling the previous chunk.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      if (to.readingPaused || to.disconnected || to.aborted || to.disconnecting) {
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
        if (!to.disconnected && !to.aborted && !to.disconnecting) from.unshiftOutput(data.subarray(offset));
        break;
      }
      this.watch(to, to.protocol.dataReceived(Buffer.from(data.subarray(offset, offset + this.#chunkSize))), "dataReceived");
    }
    from.drained();
    return true;
  }

  #abort(side: FakeTransport, peer: FakeTransport): boolean {
    if (!side.aborted || side.disconnected) return false;
    const reason = this.#failed.has(side) ? this.#failed.get(side) : new ConnectionAborted();
    this.#closeBoth(side, reason, peer, new ConnectionLost());
    return true;
  }

  #halfClose(side: FakeTransport, peer: FakeTransport): boolean {
    if (side.writeShutdown !== "requested" || side.disconnected || side.hasPendingOutput || side.producer !== null) return false;
    side.writeShutdown = "done";
    if (peer.disconnected || !isHalfCloseable(peer.protocol)) {
      this.#closeBoth(side, new ConnectionDone(), peer, new ConnectionDone());
      return true;
    }
    if (isHalfCloseable(side.protocol)) this.watch(side, side.protocol.writeConnectionLost(), "writeConnectionLost");
    peer.readShutdown = true;
    this.watch(peer, peer.protocol.readConnectionLost(), "readConnectionLost");
    if (peer.writeShutdown === "done") this.#closeBoth(side, new ConnectionDone(), peer, new ConnectionDone());
    return true;
  }

  #close(side: FakeTransport, peer: FakeTransport): boolean {
    if (!side.disconnecting || side.aborted || side.disconnected || side.hasPendingOutput || side.producer !== null) return false;
    this.#closeBoth(side, new ConnectionDone(), peer, new ConnectionDone());
    return true;
  }

  #closeBoth(first: FakeTransport, firstReason: unknown, second: FakeTransport, secondReason: Error): void {
    first.discardOutput();
    second.discardOutput();
    const secondOpen = !second.disconnected;
    this.watch(first, first.deliverConnectionLost(firstReason), "connectionLost");
    if (!secondOpen) return;
    // A clean close reaches a half-closeable peer as the end of its input first (the
    // FIN), exactly as on a real socket.
    if (secondReason instanceof ConnectionDone && !second.readShutdown && isHalfCloseable(second.protocol)) {
      second.readShutdown = true;
      this.watch(second, second.protocol.readConnectionLost(), "readConnectionLost");
    }
    if (!second.disconnected) this.watch(second, second.deliverConnectionLost(secondReason), "connectionLost");
  }
}
