// Serves one file to every client: a header line "<size> <sha256>", then the raw bytes
// streamed with FileSender (a pull producer, so memory stays flat for any file size).
//   node examples/dist/file-transfer/server.js PORT FILE
import { closeSync, openSync, readFileSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { reactor, Protocol, Factory, FileSender, fdFileSource } from "torsion";

const [portText = "8124", path = ""] = process.argv.slice(2);
if (!path) throw new Error("usage: server.js PORT FILE");
const header = `${statSync(path).size} ${createHash("sha256").update(readFileSync(path)).digest("hex")}\r\n`;

class SendFile extends Protocol {
  override connectionMade(): void {
    const transport = this.transport!;
    const fd = openSync(path, "r");
    transport.write(Buffer.from(header));
    new FileSender().beginFileTransfer(fdFileSource(fd), transport).addBoth(() => {
      closeSync(fd);
      transport.loseConnection();
      return null;
    });
  }
}

const port = reactor.listenTCP(Number(portText), Factory.forProtocol(SendFile), { interface: "127.0.0.1" });
reactor.callWhenRunning(() => console.log(`file server listening on ${String(port.getHost())}`));
void reactor.run();
