// UDP echo server: every datagram goes back to its sender.
//   node examples/dist/udp-echo/server.js [PORT]     (127.0.0.1; 0 picks a free port)
import { reactor, DatagramProtocol, type IAddress, type IPv4Address } from "torsion";

class Echo extends DatagramProtocol {
  override startProtocol(): void {
    console.log(`udp echo server listening on ${this.transport!.getHost()}`);
  }

  override datagramReceived(data: Buffer, addr: IAddress): void {
    this.transport!.write(data, addr as IPv4Address);
  }
}

reactor.listenUDP(Number(process.argv[2] ?? "9999"), new Echo(), { interface: "127.0.0.1" });
void reactor.run();
