// snippet: clients/endpoint-await.ts
// The same client with an endpoint: connect() gives a Deferred of the connected protocol,
// and a Deferred can be awaited. A refused connection is a typed error.
import { reactor, Protocol, Factory, ConnectionRefusedError, TCP4ClientEndpoint, connectProtocol } from "torsion";

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }
}

class Asker extends Protocol {
  readonly #answers: ((text: string) => void)[] = [];
  ask(question: string): Promise<string> {
    this.transport.write(Buffer.from(question));
    return new Promise((resolve) => this.#answers.push(resolve));
  }
  override dataReceived(data: Buffer): void {
    this.#answers.shift()?.(data.toString());
  }
}

async function main(): Promise<void> {
  const server = reactor.listenTCP(0, Factory.forProtocol(Echo), { interface: "127.0.0.1" });
  const { port } = server.getHost();
  const asker = await connectProtocol(new TCP4ClientEndpoint(reactor, "127.0.0.1", port), new Asker());
  console.log(`echoed: ${await asker.ask("ping")}`);
  asker.transport.loseConnection();
  await server.stopListening();
  try {
    await connectProtocol(new TCP4ClientEndpoint(reactor, "127.0.0.1", port, { timeout: 5 }), new Asker());
  } catch (error) {
    console.log(`after stopListening: ${error instanceof ConnectionRefusedError ? "ConnectionRefusedError" : String(error)}`);
  }
}

void main().finally(() => reactor.stop());
await reactor.run();
