// Twisted's FileSender: the server streams a file to each client through the transport
// (an IConsumer), then closes; the client counts the bytes.
import { ClientFactory, Factory, FileSender, Protocol, bufferFileSource, reactor } from "torsion";

const file = Buffer.alloc(200_000, "torsion ");

class Sender extends Protocol {
  override connectionMade(): void {
    new FileSender().beginFileTransfer(bufferFileSource(file), this.transport).addCallback(() => {
      this.transport.loseConnection();
    });
  }
}

class Receiver extends Protocol {
  received = 0;
  override dataReceived(data: Buffer): void {
    this.received += data.length;
  }
  override connectionLost(): void {
    process.stdout.write(`file transfer: ${this.received} of ${file.length} bytes\n`);
    void reactor.stop();
  }
}

const port = reactor.listenTCP(0, Factory.forProtocol(Sender), { interface: "127.0.0.1" });
reactor.connectTCP("127.0.0.1", port.getHost().port, ClientFactory.forProtocol(Receiver));
setTimeout(() => process.exit(2), 10_000).unref();
await reactor.run();
