// Torsion UDP echo server: a DatagramProtocol that writes every datagram back to its sender.
//   node bench/dist/servers/torsion-udp-echo.js [PORT]   (127.0.0.1; 0 or nothing picks a port)
// Prints "listening PORT" once bound. The reactor stops on SIGTERM/SIGINT.
import { reactor, DatagramProtocol, IPv4Address, IPv6Address, type IAddress } from "torsion";

class UdpEcho extends DatagramProtocol {
  override datagramReceived(data: Buffer, addr: IAddress): void {
    if (addr instanceof IPv4Address || addr instanceof IPv6Address) this.transport?.write(data, addr);
  }
}

const port = reactor.listenUDP(Number(process.argv[2] ?? "0"), new UdpEcho(), { interface: "127.0.0.1" });
console.log(`listening ${port.getHost().port}`);
void reactor.run();
