// UDP echo client: connects its port to the server, sends a datagram, prints the echo.
//   node examples/dist/udp-echo/client.js [PORT]
import { reactor, DatagramProtocol, type IDelayedCall } from "torsion";

const serverPort = Number(process.argv[2] ?? "9999");

class EchoClient extends DatagramProtocol {
  #timeout: IDelayedCall | null = null;

  override startProtocol(): void {
    this.transport.connect("127.0.0.1", serverPort);
    this.transport.write(Buffer.from("hello, udp"));
    this.#timeout = reactor.callLater(5, () => this.#finish("No reply within 5 seconds", 1));
  }

  override datagramReceived(data: Buffer): void {
    this.#finish(`Server said: ${data.toString()}`, 0);
  }

  override connectionRefused(): void {
    this.#finish("No one listening", 1);
  }

  #finish(message: string, status: number): void {
    if (this.#timeout?.active()) this.#timeout.cancel();
    console.log(message);
    process.exitCode = status;
    if (reactor.running) reactor.stop();
  }
}

reactor.listenUDP(0, new EchoClient(), { interface: "127.0.0.1" });
void reactor.run();
