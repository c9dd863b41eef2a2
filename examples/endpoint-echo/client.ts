// Echo client that connects where an endpoint description says, sends one message and
// prints the reply.
//   node examples/dist/endpoint-echo/client.js DESCRIPTION [MESSAGE]
// e.g. tcp:127.0.0.1:8000, tcp:host=\:\:1:port=8000, unix:/tmp/echo.sock.
import { reactor, clientFromString, connectProtocol, Protocol, type Failure } from "torsion";

class EchoClient extends Protocol {
  #received = Buffer.alloc(0);
  #expected = 0;
  readonly #done: (reply: string) => void;

  constructor(done: (reply: string) => void) {
    super();
    this.#done = done;
  }

  send(message: string): void {
    this.#expected = Buffer.byteLength(message);
    this.transport.write(Buffer.from(message));
  }

  override dataReceived(data: Buffer): void {
    this.#received = Buffer.concat([this.#received, data]);
    if (this.#received.length >= this.#expected) this.#done(this.#received.toString());
  }

  override connectionLost(reason: Failure): void {
    console.log(`connection closed: ${reason.getErrorMessage()}`);
    reactor.stop();
  }
}

async function main(description: string, message: string): Promise<void> {
  const endpoint = clientFromString(reactor, description);
  let gotReply!: (reply: string) => void;
  const reply = new Promise<string>((resolve) => (gotReply = resolve));
  const client = await connectProtocol(endpoint, new EchoClient(gotReply));
  client.send(message);
  console.log(`server echoed: ${await reply}`);
  client.transport.loseConnection();
}

const [description, message = "hello, endpoints"] = process.argv.slice(2);
if (description === undefined) {
  console.log("usage: client.js DESCRIPTION [MESSAGE]");
  process.exitCode = 2;
} else {
  reactor.callWhenRunning(() => {
    main(description, message).catch((error: unknown) => {
      console.log(`connection failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      process.exitCode = 1;
      reactor.stop();
    });
  });
  void reactor.run();
}
