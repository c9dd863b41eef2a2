// The `npm start` demo: an echo server and a client that talks to it, in one process,
// on loopback. Change the port with `npm start -- --port 9000` (0 picks a free one).
import {
  reactor,
  Protocol,
  Factory,
  ClientFactory,
  LineReceiver,
  CannotListenError,
  type Failure,
  type IConnector,
  type IListeningPort,
  type IPv4Address,
} from "torsion";

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport.write(data);
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
    if (this.#pending.length === 0) this.transport.loseConnection();
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

/** The `--port N` argument (or `PORT`), 8000 by default; `undefined` after printing why it is not a port. */
function portOption(argv: readonly string[]): number | undefined {
  const flag = argv.indexOf("--port");
  const text = flag >= 0 ? argv[flag + 1] : process.env.PORT;
  const port = Number(text ?? "8000");
  if (text === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid port ${JSON.stringify(text ?? null)}: give a number from 0 to 65535, e.g. npm start -- --port 8001`);
    return undefined;
  }
  return port;
}

/** Listens on 127.0.0.1:`port`; if the port is taken, says so in one line (no stack) and returns `undefined`. */
function listen(port: number): IListeningPort | undefined {
  try {
    return reactor.listenTCP(port, Factory.forProtocol(Echo), { interface: "127.0.0.1" });
  } catch (error) {
    if (!(error instanceof CannotListenError)) throw error;
    const code = (error.cause as { code?: string } | undefined)?.code;
    const why = code === "EADDRINUSE" ? "is in use" : `cannot be used (${code ?? error.message})`;
    console.error(`port ${port} ${why}; try npm start -- --port ${port === 65535 ? 8001 : port + 1} (or --port 0 for any free port)`);
    return undefined;
  }
}

const port = portOption(process.argv);
const listening = port === undefined ? undefined : listen(port);
if (listening === undefined) {
  process.exitCode = 1;
} else {
  const address = listening.getHost() as IPv4Address;
  console.log(`echo server listening on ${address.host}:${address.port}`);
  reactor.connectTCP(address.host, address.port, DemoClientFactory.forProtocol(DemoClient));
  await reactor.run();
  console.log("reactor stopped; bye");
}
