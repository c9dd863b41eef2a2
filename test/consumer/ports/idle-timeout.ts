// Twisted's TimeoutMixin: a protocol that drops idle connections, with `abortConnection`
// reachable on `this.transport` (an ITCPTransport) without a cast.
import { ClientFactory, Factory, Protocol, Timeout, reactor, type Failure } from "torsion";

class Idle extends Protocol {
  readonly timeout = new Timeout(reactor, () => this.timeoutConnection());
  override connectionMade(): void {
    this.timeout.setTimeout(0.1);
  }
  override dataReceived(data: Buffer): void {
    void data;
    this.timeout.resetTimeout();
  }
  override connectionLost(): void {
    this.timeout.cancel();
  }
  timeoutConnection(): void {
    this.transport.abortConnection();
  }
}

class Silent extends Protocol {
  override connectionLost(reason: Failure): void {
    process.stdout.write(`idle timeout: closed by the server (${reason.value instanceof Error ? reason.value.name : "?"})\n`);
    void reactor.stop();
  }
}

const port = reactor.listenTCP(0, Factory.forProtocol(Idle), { interface: "127.0.0.1" });
reactor.connectTCP("127.0.0.1", port.getHost().port, ClientFactory.forProtocol(Silent));
setTimeout(() => process.exit(2), 10_000).unref();
await reactor.run();
