import { succeed, type Deferred } from "@torsion/defer";
import { AlreadyListeningError, type IAddress, type IListeningPort, type IProtocolFactory } from "@torsion/core";

/**
 * The port a `MemoryReactor` returns from `listenTCP`/`listenUNIX`. It listens from
 * construction (the factory's `doStart` has run) and accepts nothing: tests hand
 * connections to the factory themselves.
 */
export class FakeListeningPort<A extends IAddress = IAddress> implements IListeningPort<A> {
  /** The factory given to listen. */
  readonly factory: IProtocolFactory;
  readonly #address: A;
  #listening = false;

  constructor(address: A, factory: IProtocolFactory) {
    this.#address = address;
    this.factory = factory;
    this.startListening();
  }

  /** Whether the port is listening (between start and stop). */
  get listening(): boolean {
    return this.#listening;
  }

  /**
   * Listens again (calling the factory's `doStart`).
   *
   * @throws AlreadyListeningError when already listening (as the real ports)
   */
  startListening(): void {
    if (this.#listening) throw new AlreadyListeningError();
    this.#listening = true;
    this.factory.doStart();
  }

  /**
   * Stops listening: calls the factory's `doStop` and returns an already-fired Deferred.
   * Calling it again while stopped returns an already-fired Deferred too (as the real
   * ports do).
   */
  stopListening(): Deferred<void> {
    if (this.#listening) {
      this.#listening = false;
      this.factory.doStop();
    }
    return succeed<void>(undefined);
  }

  /** The address given at construction (a real port number even when 0 was asked). */
  getHost(): A {
    return this.#address;
  }
}
