// Unix-socket echo server.
//   node examples/dist/unix-echo/server.js /tmp/echo.sock
//   or: npx torsion serve --listen unix:/tmp/echo.sock examples/dist/unix-echo/server.js
import { pathToFileURL } from "node:url";
import { reactor, Protocol, Factory } from "torsion";

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }
}

/** What `torsion serve` serves. */
export const factory = Factory.forProtocol(Echo);

const runDirectly = import.meta.url === pathToFileURL(process.argv[1] ?? "").href;
if (runDirectly) {
  const path = process.argv[2] ?? "/tmp/torsion-echo.sock";
  const port = reactor.listenUNIX(path, factory);
  reactor.callWhenRunning(() => console.log(`unix echo server listening on ${port.getHost().toString()}`));
  void reactor.run();
}
