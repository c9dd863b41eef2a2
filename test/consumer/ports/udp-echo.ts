// Twisted's UDP echo (docs/core/howto/udp): `datagramReceived(data, addr)` hands back an
// address that `transport.write(data, addr)` takes as it is.
import { DatagramProtocol, reactor, type IPAddress } from "torsion";

class Echo extends DatagramProtocol {
  override datagramReceived(data: Buffer, addr: IPAddress): void {
    this.transport.write(data, addr);
  }
}

class Client extends DatagramProtocol {
  readonly #serverPort: number;
  constructor(serverPort: number) {
    super();
    this.#serverPort = serverPort;
  }
  override startProtocol(): void {
    this.transport.connect("127.0.0.1", this.#serverPort);
    this.transport.write(Buffer.from("hello, udp"));
  }
  override datagramReceived(data: Buffer, addr: IPAddress): void {
    process.stdout.write(`udp echo: ${data.toString()} from ${addr.host}\n`);
    void reactor.stop();
  }
}

const server = reactor.listenUDP(0, new Echo(), { interface: "127.0.0.1" });
reactor.listenUDP(0, new Client(server.getHost().port), { interface: "127.0.0.1" });
setTimeout(() => process.exit(2), 10_000).unref();
await reactor.run();
