import { succeed, type Deferred } from "@torsion/defer";
import {
  AlreadyConnectedError,
  MessageLengthError,
  NotListeningError,
  type DatagramAddress,
  type IDatagramProtocol,
  type IPv4Address,
  type IPv6Address,
  type IUDPTransport,
} from "@torsion/core";

/** Options of {@link FakeDatagramTransport}. */
export interface FakeDatagramTransportOptions {
  /** What `getHost()` returns. */
  readonly host: IPv4Address | IPv6Address;
  /** The protocol whose `doStop` runs on `stopListening`. @default null */
  readonly protocol?: IDatagramProtocol | null;
  /** Largest datagram `write` accepts. @default 8192 */
  readonly maxPacketSize?: number;
}

/**
 * An in-memory UDP port that records what is sent, as Twisted's `FakeDatagramTransport`:
 * each `write` appends `[datagram, addr]` to {@link written} (`addr` is `undefined` when
 * none was given). Returned by `MemoryReactor.listenUDP`.
 */
export class FakeDatagramTransport implements IUDPTransport {
  /** Every datagram written, with its address, in order (copies of the bytes). */
  readonly written: [datagram: Buffer, addr: DatagramAddress | undefined][] = [];
  /** The address given to `connect`, or `null`. */
  connectedAddress: readonly [host: string, port: number] | null = null;
  /** Whether `stopListening` was called. */
  stopped = false;
  readonly #host: IPv4Address | IPv6Address;
  readonly #protocol: IDatagramProtocol | null;
  readonly #maxPacketSize: number;
  #broadcast = false;

  constructor(options: FakeDatagramTransportOptions) {
    this.#host = options.host;
    this.#protocol = options.protocol ?? null;
    this.#maxPacketSize = options.maxPacketSize ?? 8192;
  }

  /**
   * Records the datagram. Ignored after `stopListening`.
   *
   * @throws TypeError for non-bytes
   * @throws MessageLengthError when larger than `maxPacketSize` (nothing is recorded)
   */
  write(datagram: Uint8Array, addr?: DatagramAddress): void {
    if (!(datagram instanceof Uint8Array)) throw new TypeError("write() takes bytes (Uint8Array/Buffer)");
    if (datagram.length > this.#maxPacketSize) {
      throw new MessageLengthError(`datagram of ${datagram.length} bytes exceeds maxPacketSize ${this.#maxPacketSize}`);
    }
    if (this.stopped) return;
    this.written.push([Buffer.from(datagram), addr]);
  }

  /**
   * Records the connected address.
   *
   * @throws AlreadyConnectedError when called twice (as the real UDP port)
   * @throws NotListeningError after `stopListening`
   */
  connect(host: string, port: number): void {
    if (this.connectedAddress !== null) throw new AlreadyConnectedError();
    if (this.stopped) throw new NotListeningError("connect() needs a listening UDP port");
    this.connectedAddress = [host, port];
  }

  getHost(): IPv4Address | IPv6Address {
    return this.#host;
  }

  /**
   * Marks the port stopped and calls the protocol's `doStop` (first call only); returns
   * an already-fired Deferred.
   */
  stopListening(): Deferred<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.#protocol?.doStop();
    }
    return succeed<void>(undefined);
  }

  setBroadcastAllowed(enabled: boolean): void {
    this.#broadcast = enabled;
  }

  getBroadcastAllowed(): boolean {
    return this.#broadcast;
  }
}
