import { Deferred, type Failure } from "@torsion/defer";
import { Factory, Protocol } from "@torsion/core";

/**
 * A protocol that records everything that happens to it, as Twisted's
 * `AccumulatingProtocol`: the bytes received ({@link data}), whether it was connected
 * ({@link made}) and closed ({@link closed}, {@link closedReason}).
 *
 * When its factory is an {@link AccumulatingFactory} with a `protocolConnectionMade`
 * Deferred, `connectionMade` fires it with this protocol (once; the factory's field is
 * then cleared). Set {@link closedDeferred} to be told when the connection closes.
 */
export class AccumulatingProtocol extends Protocol {
  /** True once `connectionMade` ran. */
  made = false;
  /** True once `connectionLost` ran. */
  closed = false;
  /** The reason given to `connectionLost`; `null` before. */
  closedReason: Failure | null = null;
  /** Fired with `undefined` by `connectionLost` (then cleared). Set it yourself. */
  closedDeferred: Deferred<undefined> | null = null;
  #chunks: Buffer[] = [];

  /** Every byte received so far. */
  get data(): Buffer {
    return Buffer.concat(this.#chunks);
  }

  /** How many `dataReceived` calls happened. */
  get dataReceivedCount(): number {
    return this.#chunks.length;
  }

  override connectionMade(): void {
    this.made = true;
    const factory = this.factoryOrNull;
    if (factory instanceof AccumulatingFactory && factory.protocolConnectionMade !== null) {
      const deferred = factory.protocolConnectionMade;
      factory.protocolConnectionMade = null;
      deferred.callback(this);
    }
  }

  override dataReceived(data: Buffer): void {
    this.#chunks.push(Buffer.from(data));
  }

  override connectionLost(reason: Failure): void {
    this.closed = true;
    this.closedReason = reason;
    const deferred = this.closedDeferred;
    if (deferred !== null) {
      this.closedDeferred = null;
      deferred.callback(undefined);
    }
  }
}

/**
 * A factory of {@link AccumulatingProtocol}s with Twisted's `protocolConnectionMade`
 * hook: set it to a Deferred and the next protocol that connects fires it.
 */
export class AccumulatingFactory extends Factory<AccumulatingProtocol> {
  override protocol: new () => AccumulatingProtocol = AccumulatingProtocol;
  /** Fired by the next protocol's `connectionMade` with that protocol, then cleared. */
  protocolConnectionMade: Deferred<AccumulatingProtocol> | null = null;
}
