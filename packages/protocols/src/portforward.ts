/**
 * A TCP/Unix/TLS port forwarder (Twisted's `twisted.protocols.portforward`): each accepted
 * connection opens one connection to a destination endpoint and the bytes are relayed both
 * ways, with backpressure both ways and half-close passed through.
 */
import createDebug from "debug";
import {
  Factory,
  Protocol,
  type IHalfCloseableProtocol,
  type IPushProducer,
  type IStreamClientEndpoint,
  type ITransport,
} from "@torsion/core";
import type { Deferred, Failure } from "@torsion/defer";

const debug = createDebug("torsion:protocols:portforward");

/**
 * A push producer standing for the other side's transport: pausing it stops that side
 * reading. `stopProducing` does nothing: closing is left to `connectionLost`, so a peer
 * that closes never aborts the other side's pending writes.
 */
function pauserOf(transport: ITransport): IPushProducer {
  return {
    pauseProducing: () => transport.pauseProducing(),
    resumeProducing: () => transport.resumeProducing(),
    stopProducing: () => {},
  };
}

/**
 * One side of a relay (Twisted's `Proxy`): writes what it receives to its peer, passes a
 * half-close (`readConnectionLost`) on as the peer's `loseWriteConnection`, and closes
 * the peer (flushing it) when it closes.
 */
export class ProxyProtocol extends Protocol implements IHalfCloseableProtocol {
  /** The other side, once both are connected. */
  peer: ProxyProtocol | null = null;

  /** Joins this side and `peer`: each side's transport pauses the other when its send buffer is full. */
  setPeer(peer: ProxyProtocol): void {
    this.peer = peer;
    const mine = this.transport;
    const theirs = peer.transport;
    mine.registerProducer(pauserOf(theirs), true);
  }

  override dataReceived(data: Buffer): void {
    this.peer?.transportOrNull?.write(data);
  }

  /** The other end sent FIN: send ours to the peer once its queued bytes are out. */
  readConnectionLost(): void {
    const peer = (this.peer?.transportOrNull ?? undefined) as (ITransport & { loseWriteConnection?: () => void }) | undefined;
    if (peer?.loseWriteConnection !== undefined) peer.loseWriteConnection();
    else peer?.loseConnection();
  }

  /** Our FIN was sent; nothing to do. */
  writeConnectionLost(): void {}

  override connectionLost(reason: Failure): void {
    debug("%s side lost: %s", this.constructor.name, reason.getErrorMessage());
    const peer = this.peer;
    this.peer = null;
    if (peer?.transportOrNull == null) return;
    peer.peer = null;
    peer.transport.unregisterProducer();
    peer.transport.loseConnection();
  }
}

/** The side facing the destination (Twisted's `ProxyClient`). */
export class ProxyClient extends ProxyProtocol {}

/**
 * The side facing the accepted connection (Twisted's `ProxyServer`): it stops reading at
 * once, connects to the factory's destination, and resumes once both sides are joined.
 * If the destination cannot be reached, the accepted connection is closed.
 */
export class ProxyServer extends ProxyProtocol {
  #pending: Buffer[] = [];
  #connecting: Deferred<ProxyClient> | null = null;
  #readClosed = false;

  override connectionMade(): void {
    const transport = this.transport;
    transport.pauseProducing();
    const factory = this.factory;
    if (!(factory instanceof ProxyFactory)) throw new TypeError("a ProxyServer must be built by a ProxyFactory");
    const connecting = (this.#connecting = factory.dest.connect(Factory.forProtocol(ProxyClient)));
    connecting.addCallbacks(
      (client) => this.#joined(client),
      (failure) => {
        debug("could not reach the destination: %s", failure.getErrorMessage());
        if (this.transportOrNull !== null && !this.transport.disconnecting) this.transport.loseConnection();
        return null;
      },
    );
  }

  #joined(client: ProxyClient): null {
    this.#connecting = null;
    if (!this.connected) {
      client.transport.loseConnection();
      return null;
    }
    client.peer = this;
    this.setPeer(client);
    client.setPeer(this);
    for (const data of this.#pending.splice(0)) client.transport.write(data);
    if (this.#readClosed) this.readConnectionLost();
    this.transport.resumeProducing();
    return null;
  }

  override dataReceived(data: Buffer): void {
    if (this.peer === null) this.#pending.push(data);
    else super.dataReceived(data);
  }

  override readConnectionLost(): void {
    if (this.peer === null) this.#readClosed = true;
    else super.readConnectionLost();
  }

  override connectionLost(reason: Failure): void {
    this.#connecting?.cancel();
    this.#connecting = null;
    super.connectionLost(reason);
  }
}

/**
 * Forwards every accepted connection to `dest` (Twisted's `ProxyFactory(host, port)`,
 * which takes any client endpoint here: `tcp:`, `unix:`, `tls:` ...).
 */
export class ProxyFactory extends Factory<ProxyServer> {
  override protocol = ProxyServer;
  readonly dest: IStreamClientEndpoint;

  constructor(dest: IStreamClientEndpoint) {
    super();
    this.dest = dest;
  }
}
