// The `npm start` demo: an echo server and a client that talks to it, in one process,
// on loopback. Change the port with `npm start -- --port 9000` (0 picks a free one).
import { reactor, Protocol, Factory, ClientFactory, LineReceiver, type Failure, type IConnector, type IPv4Address } from "torsion";

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport!.write(data);
  }
}

const messages = ["Hello, Torsion!", "Protocols, transports and factories.", "Goodbye."];

class DemoClient extends LineReceiver {
  #pending = [...messages];

  override connectionMade(): void {
    for (const message of messages) this.sendLine(Buffer.from(message));
  }

  override lineReceived(line: Buffer): void {
    console.log(`client got back: ${line.toString()}`);
    this.#pending.shift();
    if (this.#pending.length === 0) this.transport!.loseConnection();
  }
}

class DemoClientFactory extends ClientFactory {
  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    console.log(`could not connect: ${reason.getErrorMessage()}`);
    process.exitCode = 1;
    reactor.stop();
  }

  override clientConnectionLost(_connector: IConnector, reason: Failure): void {
    console.log(`connection closed: ${reason.getErrorMessage()}`);
    reactor.stop();
  }
}

function portOption(argv: readonly string[]): number {
  const flag = argv.indexOf("--port");
  const text = flag >= 0 ? argv[flag + 1] : process.env.PORT;
  const port = Number(text ?? "8000");
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`invalid port: ${text}`);
  return port;
}

const listening = reactor.listenTCP(portOption(process.argv), Factory.forProtocol(Echo), { interface: "127.0.0.1" });
const address = listening.getHost() as IPv4Address;
console.log(`echo server listening on ${address.host}:${address.port}`);
reactor.connectTCP(address.host, address.port, DemoClientFactory.forProtocol(DemoClient));
await reactor.run();
console.log("reactor stopped; bye");
