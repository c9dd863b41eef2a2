// UDP echo server: every datagram goes back to its sender.
//   node examples/dist/udp-echo/server.js [PORT]     (127.0.0.1; 0 picks a free port)
import { reactor, DatagramProtocol, type IPAddress } from "torsion";

class Echo extends DatagramProtocol {
  override datagramReceived(data: Buffer, addr: IPAddress): void {
    this.transport.write(data, addr);
  }
}

const port = reactor.listenUDP(Number(process.argv[2] ?? "9999"), new Echo(), { interface: "127.0.0.1" });
reactor.callWhenRunning(() => console.log(`udp echo server listening on ${String(port.getHost())}`));
void reactor.run();
