// snippet: udp/echo.ts
// UDP has no connections: one DatagramProtocol per port, one datagramReceived per packet.
// A "connected" UDP client talks to one address only (write needs no address).
import { reactor, DatagramProtocol, type IPAddress, type IPv4Address } from "torsion";

class Echo extends DatagramProtocol {
  override datagramReceived(data: Buffer, addr: IPAddress): void {
    this.transport.write(data, addr);
  }
}

class Client extends DatagramProtocol {
  readonly #left: string[];
  constructor(
    private readonly server: IPv4Address,
    messages: string[],
  ) {
    super();
    this.#left = [...messages];
  }
  override startProtocol(): void {
    this.transport.connect(this.server.host, this.server.port);
    this.#sendNext();
  }
  override datagramReceived(data: Buffer): void {
    console.log(`echoed: ${data.toString()}`);
    if (this.#left.length === 0) reactor.stop();
    else this.#sendNext();
  }
  #sendNext(): void {
    this.transport.write(Buffer.from(this.#left.shift()!));
  }
}

const server = reactor.listenUDP(0, new Echo(), { interface: "127.0.0.1" });
reactor.listenUDP(0, new Client(server.getHost(), ["one", "two"]), { interface: "127.0.0.1" });
await reactor.run();
