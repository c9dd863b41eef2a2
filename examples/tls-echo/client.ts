// TLS echo client from an endpoint description: sends one message, prints the reply and
// who the server proved to be.
//   node examples/dist/tls-echo/client.js DESCRIPTION [MESSAGE]
// e.g. ssl:localhost:8443:caCertsDir=./trusted (the server's certificate must chain to a
// .pem in that directory and be valid for "localhost"; without caCertsDir, the platform's
// roots), tls:localhost:8443:trustRoots=./trusted, or tcp:127.0.0.1:8000 for plaintext.
// Torsion always verifies: a wrong name or an untrusted CA fails with a typed error.
import { reactor, clientFromString, connectProtocol, Protocol, type Failure, type ISSLTransport } from "torsion";

class EchoClient extends Protocol {
  #received = Buffer.alloc(0);
  #expected = 0;
  constructor(
    readonly done: (reply: string) => void,
    readonly failed: (reason: Failure) => void,
  ) {
    super();
  }

  handshakeCompleted(): void {
    const peer = (this.transport as ISSLTransport).getPeerCertificate();
    console.log(`server certificate: ${peer?.subject ?? "none"}, issued by ${peer?.issuer.replace(/\n/g, ", ") ?? "-"}`);
  }

  send(message: string): void {
    this.#expected = Buffer.byteLength(message);
    this.transport.write(Buffer.from(message));
  }

  override dataReceived(data: Buffer): void {
    this.#received = Buffer.concat([this.#received, data]);
    if (this.#received.length >= this.#expected) this.done(this.#received.toString());
  }

  override connectionLost(reason: Failure): void {
    console.log(`connection closed: ${reason.value instanceof Error ? `${reason.value.name}: ` : ""}${reason.getErrorMessage()}`);
    this.failed(reason);
    reactor.stop();
  }
}

async function main(description: string, message: string): Promise<void> {
  let gotReply!: (reply: string) => void;
  let lost!: (reason: Failure) => void;
  const reply = new Promise<string>((resolve) => (gotReply = resolve));
  const closed = new Promise<never>((_, reject) => (lost = (reason) => reject(reason.value)));
  const client = await connectProtocol(clientFromString(reactor, description), new EchoClient(gotReply, lost));
  client.send(message);
  console.log(`server echoed: ${await Promise.race([reply, closed])}`);
  client.transport.loseConnection();
}

const [description, message = "hello over TLS"] = process.argv.slice(2);
if (description === undefined) {
  console.log("usage: client.js DESCRIPTION [MESSAGE]");
  process.exitCode = 2;
} else {
  reactor.callWhenRunning(() => {
    main(description, message).catch((error: unknown) => {
      console.log(`failed: ${error instanceof Error ? error.name : String(error)}`);
      process.exitCode = 1;
      reactor.stop();
    });
  });
  void reactor.run();
}
