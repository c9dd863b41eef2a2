// snippet: logging/logger.ts
// The application's log: a Logger emits events to a publisher; observers decide where
// they go. captureDebug routes the debug namespaces (DEBUG=torsion:*) into the same log.
import { reactor, Protocol, Factory, ClientFactory, Logger, LogPublisher, captureDebug, filteringObserver, formatEvent } from "torsion";

const publisher = new LogPublisher();
const seen = new Set<string>();
publisher.addObserver(
  filteringObserver(
    (event) => {
      // One line per debug namespace, and every message of our own "echo" namespace.
      if (event.namespace !== "echo" && seen.has(event.namespace)) return;
      seen.add(event.namespace);
      console.log(`[${event.level}] ${event.namespace}: ${event.namespace === "echo" ? formatEvent(event) : "..."}`);
    },
    { level: "debug" },
  ),
);

const log = new Logger({ namespace: "echo", publisher });
const restore = captureDebug("torsion:stream:*", publisher);

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    log.info("echoing {bytes} byte(s)", { bytes: data.length });
    this.transport.write(data);
  }
}

class Once extends Protocol {
  override connectionMade(): void {
    this.transport.write(Buffer.from("ping"));
  }
  override dataReceived(): void {
    this.transport.loseConnection();
  }
}

const server = reactor.listenTCP(0, Factory.forProtocol(Echo), { interface: "127.0.0.1" });
const clients = ClientFactory.forProtocol(Once);
clients.clientConnectionLost = () => reactor.stop();
reactor.connectTCP("127.0.0.1", server.getHost().port, clients);
await reactor.run();
restore();
