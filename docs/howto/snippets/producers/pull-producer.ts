// snippet: producers/pull-producer.ts
// A pull producer writes one chunk each time the transport asks (resumeProducing), so a
// large reply never piles up in memory. The server streams 64 chunks of 64 KiB.
import { reactor, Protocol, Factory, ClientFactory, type IPullProducer, type ITransport } from "torsion";

const CHUNK = Buffer.alloc(64 * 1024, "x");
const CHUNKS = 64;

class ChunkProducer implements IPullProducer {
  #sent = 0;
  constructor(readonly transport: ITransport) {}

  resumeProducing(): void {
    // "the buffer has room: write some more"
    if (this.#sent === CHUNKS) {
      this.transport.unregisterProducer();
      this.transport.loseConnection(); // flushed, then closed
      return;
    }
    this.#sent += 1;
    this.transport.write(CHUNK);
  }
  stopProducing(): void {
    // the connection went away
    this.#sent = CHUNKS;
  }
}

class Streamer extends Protocol {
  override connectionMade(): void {
    this.transport.registerProducer(new ChunkProducer(this.transport), false); // false: pull
  }
}

class Counter extends Protocol {
  received = 0;
  override dataReceived(data: Buffer): void {
    this.received += data.length;
  }
  override connectionLost(): void {
    console.log(`received ${this.received} bytes (${this.received / CHUNK.length} chunks)`);
  }
}

const port = reactor.listenTCP(0, Factory.forProtocol(Streamer), { interface: "127.0.0.1" });
const { host, port: number } = port.getHost();
const clients = ClientFactory.forProtocol(Counter);
clients.clientConnectionLost = () => reactor.stop();
reactor.connectTCP(host, number, clients);
await reactor.run();
