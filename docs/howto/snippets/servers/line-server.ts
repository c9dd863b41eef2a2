// snippet: servers/line-server.ts
// A line-based server: LineReceiver splits the stream into lines; each connection counts its own.
import { reactor, Factory, LineReceiver, ClientFactory } from "torsion";

class Shout extends LineReceiver {
  #lines = 0;

  override lineReceived(line: Buffer): void {
    this.#lines += 1;
    if (line.toString() === "bye") {
      this.sendLine(Buffer.from(`bye after ${this.#lines} line(s)`));
      this.transport.loseConnection();
    } else {
      this.sendLine(Buffer.from(line.toString().toUpperCase()));
    }
  }
}

class Talker extends LineReceiver {
  override connectionMade(): void {
    for (const line of ["hello", "twisted style", "bye"]) this.sendLine(Buffer.from(line));
  }
  override lineReceived(line: Buffer): void {
    console.log(`< ${line.toString()}`);
  }
}

const listening = reactor.listenTCP(0, Factory.forProtocol(Shout), { interface: "127.0.0.1" });
const address = listening.getHost();
const clients = ClientFactory.forProtocol(Talker);
clients.clientConnectionLost = () => reactor.stop();
reactor.connectTCP(address.host, address.port, clients);
await reactor.run();
