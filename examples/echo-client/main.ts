// Echo client: sends a greeting, prints the reply, and stops the reactor.
//   node examples/dist/echo-client/main.js [PORT] [HOST]
import { reactor, Protocol, ClientFactory, type Failure, type IConnector } from "torsion";

const greeting = Buffer.from("hello, world");

class EchoClient extends Protocol {
  #received: Buffer[] = [];
  #length = 0;

  override connectionMade(): void {
    this.transport.write(greeting);
  }

  override dataReceived(data: Buffer): void {
    this.#received.push(data);
    this.#length += data.length;
    if (this.#length >= greeting.length) {
      console.log(`Server said: ${Buffer.concat(this.#received).toString()}`);
      this.transport.loseConnection();
    }
  }
}

class EchoClientFactory extends ClientFactory {
  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    console.log(`Connection failed: ${reason.getErrorMessage()}`);
    process.exitCode = 1;
    reactor.stop();
  }

  override clientConnectionLost(_connector: IConnector, reason: Failure): void {
    console.log(`Connection lost: ${reason.getErrorMessage()}`);
    reactor.stop();
  }
}

const port = Number(process.argv[2] ?? "8000");
const host = process.argv[3] ?? "127.0.0.1";
reactor.connectTCP(host, port, EchoClientFactory.forProtocol(EchoClient));
void reactor.run();
