// Echo server: every byte received is sent back.
//   node examples/dist/echo-server/main.js [PORT | /path/to/socket]
// A number listens on 127.0.0.1:PORT (0 picks a free port); anything else is a Unix
// socket path. Stops on SIGINT/SIGTERM.
import { reactor, Protocol, Factory } from "torsion";

export class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport!.write(data);
  }
}

const target = process.argv[2] ?? "8000";
const factory = Factory.forProtocol(Echo);
const port = /^\d+$/.test(target)
  ? reactor.listenTCP(Number(target), factory, { interface: "127.0.0.1" })
  : reactor.listenUNIX(target, factory);
reactor.callWhenRunning(() => console.log(`echo server listening on ${String(port.getHost())}`));
void reactor.run();
