import type { CallbackResult } from "@torsion/core";

/**
 * What the frame handlers of a delivery run returned, gathered without allocating in the
 * usual case (every handler returned `undefined`): `first` is the first result that was
 * not `undefined`, `rest` (created only for a second one) every later one. One instance
 * per framing driver: its runs never nest.
 *
 * The framing driver hands the run's {@link HandlerResults.settle | settled} result back
 * to its caller (the transport, through the protocol's `dataReceived`), which watches it
 * with core's `watchResult` exactly as it watches an `async dataReceived`: a rejection is
 * reported once and aborts that connection. Pure: no I/O, no timers.
 */
export class HandlerResults {
  #first: CallbackResult = undefined;
  #rest: CallbackResult[] | null = null;

  /** Whether no result was kept. */
  get empty(): boolean {
    return this.#first === undefined;
  }

  /** Keeps `result` unless it is `undefined`. */
  add(result: CallbackResult): void {
    if (result === undefined) return;
    if (this.#first === undefined) this.#first = result;
    else (this.#rest ??= []).push(result);
  }

  /**
   * What the run returns, and empties this: `undefined` when nothing was kept; the one
   * kept result itself (so a handler's promise or Deferred reaches the transport as it
   * is); for several, one promise that fulfils once all of them have and rejects with the
   * first rejection (the others are then handled, not reported: only one failure aborts
   * a connection).
   */
  settle(): CallbackResult {
    const first = this.#first;
    const rest = this.#rest;
    this.#first = undefined;
    this.#rest = null;
    if (first === undefined) return undefined;
    if (rest === null) return first;
    return Promise.all([first, ...rest]).then(ignore);
  }

  /**
   * For a run that ends in a synchronous throw (which propagates instead of any result):
   * settles what was kept into one promise that is marked handled at once (so a
   * rejection meanwhile is not an unhandled rejection) and keeps it, for the next
   * {@link settle} (the protocol's next `dataReceived`, or its `connectionLost`) to hand
   * to the transport, which then still reports its failure.
   */
  hold(): void {
    const result = this.settle();
    if (result === undefined) return;
    const held = Promise.resolve(result);
    held.then(ignore, ignore);
    this.#first = held;
  }
}

function ignore(): void {}
