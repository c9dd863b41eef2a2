// Echo server: every byte received is sent back.
//   node examples/dist/echo-server/main.js [PORT | /path/to/socket] [--zero-copy]
// --zero-copy serves BorrowingEcho: it borrows each read (valid only during dataReceived)
// and writes it straight back; the transport never reuses memory a queued write still holds.
// A number listens on 127.0.0.1:PORT (0 picks a free port); anything else is a Unix
// socket path. Stops on SIGINT/SIGTERM. Also: npx torsion serve --listen tcp:8000 examples/dist/echo-server/main.js
import { pathToFileURL } from "node:url";
import { reactor, Protocol, Factory, type IBorrowingProtocol } from "torsion";

export class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }
}

/** The zero-copy echo: reads are borrowed, not copied out, and echoed as they are. */
export class BorrowingEcho extends Protocol implements IBorrowingProtocol {
  readonly borrowsReceivedData = true;
  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }
}

/** What `torsion serve` serves. */
export const factory = Factory.forProtocol(Echo);
/** The `--zero-copy` factory. */
export const zeroCopyFactory = Factory.forProtocol(BorrowingEcho);

const runDirectly = import.meta.url === pathToFileURL(process.argv[1] ?? "").href;
if (runDirectly) {
  const args = process.argv.slice(2);
  const chosen = args.includes("--zero-copy") ? zeroCopyFactory : factory;
  const target = args.find((arg) => !arg.startsWith("--")) ?? "8000";
  const port = /^\d+$/.test(target)
    ? reactor.listenTCP(Number(target), chosen, { interface: "127.0.0.1" })
    : reactor.listenUNIX(target, chosen);
  reactor.callWhenRunning(() => console.log(`echo server listening on ${port.getHost().toString()}`));
  void reactor.run();
}
