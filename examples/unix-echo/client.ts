// Unix-socket echo client: sends a greeting, prints the reply, and stops.
//   node examples/dist/unix-echo/client.js /tmp/echo.sock
import { reactor, Protocol, ClientFactory, type Failure, type IConnector } from "torsion";

const greeting = Buffer.from("hello, unix");

class EchoClient extends Protocol {
  #received: Buffer[] = [];

  override connectionMade(): void {
    this.transport.write(greeting);
  }

  override dataReceived(data: Buffer): void {
    this.#received.push(data);
    const reply = Buffer.concat(this.#received);
    if (reply.length >= greeting.length) {
      console.log(`Server said: ${reply.toString()}`);
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

  override clientConnectionLost(): void {
    reactor.stop();
  }
}

reactor.connectUNIX(process.argv[2] ?? "/tmp/torsion-echo.sock", EchoClientFactory.forProtocol(EchoClient));
void reactor.run();
