// snippet: clients/echo-client.ts
// A client: a ClientFactory hears when the connection fails or ends.
import { reactor, Protocol, Factory, ClientFactory, type Failure, type IConnector } from "torsion";

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }
}

class EchoClient extends Protocol {
  override connectionMade(): void {
    this.transport.write(Buffer.from("hello, world"));
  }
  override dataReceived(data: Buffer): void {
    console.log(`server said: ${data.toString()}`);
    this.transport.loseConnection();
  }
}

class EchoClientFactory extends ClientFactory {
  override protocol = EchoClient;
  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    console.log(`connection failed: ${reason.getErrorMessage()}`);
    reactor.stop();
  }
  override clientConnectionLost(_connector: IConnector, reason: Failure): void {
    console.log(`connection lost: ${reason.getErrorMessage()}`);
    reactor.stop();
  }
}

const server = reactor.listenTCP(0, Factory.forProtocol(Echo), { interface: "127.0.0.1" });
const { host, port } = server.getHost();
reactor.connectTCP(host, port, new EchoClientFactory());
await reactor.run();
