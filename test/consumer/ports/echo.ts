// Twisted's echo server (docs/core/examples/simpleserv.py) and a client, over loopback.
// Strict mode, no casts, no non-null assertions: `getHost()` is an IP address and
// `this.transport` is an ITCPTransport.
import { ClientFactory, Factory, Protocol, reactor } from "torsion";

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }
}

class Client extends Protocol {
  override connectionMade(): void {
    this.transport.write(Buffer.from("hello, echo"));
  }
  override dataReceived(data: Buffer): void {
    process.stdout.write(`echo: ${data.toString()}\n`);
    this.transport.loseConnection();
    void reactor.stop();
  }
}

const port = reactor.listenTCP(0, Factory.forProtocol(Echo), { interface: "127.0.0.1" });
const { host, port: number } = port.getHost();
reactor.connectTCP(host, number, ClientFactory.forProtocol(Client));
setTimeout(() => process.exit(2), 10_000).unref();
await reactor.run();
