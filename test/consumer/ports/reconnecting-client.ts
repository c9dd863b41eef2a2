// Twisted's ReconnectingClientFactory example (docs/core/howto/clients): the clock is a
// required constructor option, passed through forProtocol. The first attempt is refused
// (nothing listens yet); the retry reaches the server once it listens.
import { Factory, Protocol, ReconnectingClientFactory, reactor, type Failure, type IConnector } from "torsion";

class Greeter extends Protocol {
  override connectionMade(): void {
    this.transport.write(Buffer.from("welcome back"));
    this.transport.loseConnection();
  }
}

class Echo extends Protocol<EchoClientFactory> {
  override connectionMade(): void {
    this.factory.resetDelay();
  }
  override dataReceived(data: Buffer): void {
    process.stdout.write(`reconnecting client: ${data.toString()} after ${this.factory.failures} failure(s)\n`);
    this.factory.stopTrying();
    void reactor.stop();
  }
}

class EchoClientFactory extends ReconnectingClientFactory<Echo> {
  failures = 0;
  override startedConnecting(connector: IConnector): void {
    void connector;
  }
  override clientConnectionFailed(connector: IConnector, reason: Failure): void {
    this.failures++;
    super.clientConnectionFailed(connector, reason);
  }
}

// Find a free port, then close it so the first attempt is refused.
const probe = reactor.listenTCP(0, Factory.forProtocol(Greeter), { interface: "127.0.0.1" });
const { port } = probe.getHost();
await probe.stopListening();
const factory = EchoClientFactory.forProtocol(Echo, { clock: reactor, jitter: 0, maxDelay: 0.1 });
factory.delay = 0.05;
reactor.connectTCP("127.0.0.1", port, factory);
reactor.callLater(0.02, () => reactor.listenTCP(port, Factory.forProtocol(Greeter), { interface: "127.0.0.1" }));
setTimeout(() => process.exit(2), 10_000).unref();
await reactor.run();
