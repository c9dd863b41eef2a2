// Echo server: every byte received is sent back.
//   node examples/dist/echo-server/main.js [PORT | /path/to/socket]
// A number listens on 127.0.0.1:PORT (0 picks a free port); anything else is a Unix
// socket path. Stops on SIGINT/SIGTERM. Also: npx torsion serve --listen tcp:8000 examples/dist/echo-server/main.js
import { pathToFileURL } from "node:url";
import { reactor, Protocol, Factory } from "torsion";

export class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }
}

/** What `torsion serve` serves. */
export const factory = Factory.forProtocol(Echo);

const runDirectly = import.meta.url === pathToFileURL(process.argv[1] ?? "").href;
if (runDirectly) {
  const target = process.argv[2] ?? "8000";
  const port = /^\d+$/.test(target)
    ? reactor.listenTCP(Number(target), factory, { interface: "127.0.0.1" })
    : reactor.listenUNIX(target, factory);
  reactor.callWhenRunning(() => console.log(`echo server listening on ${port.getHost().toString()}`));
  void reactor.run();
}
