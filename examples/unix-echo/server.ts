// Unix-socket echo server.
//   node examples/dist/unix-echo/server.js /tmp/echo.sock
import { reactor, Protocol, Factory } from "torsion";

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport!.write(data);
  }
}

const path = process.argv[2] ?? "/tmp/torsion-echo.sock";
const port = reactor.listenUNIX(path, Factory.forProtocol(Echo));
reactor.callWhenRunning(() => console.log(`unix echo server listening on ${String(port.getHost())}`));
void reactor.run();
