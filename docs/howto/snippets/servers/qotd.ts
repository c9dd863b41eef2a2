// snippet: servers/qotd.ts
// A quote-of-the-day server: the factory holds the shared state, each connection gets
// its own protocol. The script then connects once to itself to show the result.
import { reactor, Protocol, Factory, ClientFactory } from "torsion";

class Qotd extends Protocol<QotdFactory> {
  override connectionMade(): void {
    const factory = this.factory;
    factory.served += 1;
    this.transport.write(Buffer.from(`${factory.quote} (#${factory.served})\r\n`));
    this.transport.loseConnection();
  }
}

class QotdFactory extends Factory<Qotd> {
  override protocol = Qotd;
  served = 0;
  constructor(readonly quote: string) {
    super();
  }
}

class Reader extends Protocol {
  override dataReceived(data: Buffer): void {
    process.stdout.write(`server said: ${data.toString()}`);
  }
}

class OneShot extends ClientFactory {
  override protocol = Reader;
  override clientConnectionLost(): void {
    reactor.stop();
  }
}

const port = reactor.listenTCP(0, new QotdFactory("An apple a day keeps the doctor away"), { interface: "127.0.0.1" });
const { host, port: portNumber } = port.getHost();
reactor.connectTCP(host, portNumber, new OneShot());
await reactor.run();
