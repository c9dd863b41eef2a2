// Serves one file to every client: a header line "<size> <sha256>", then the raw bytes
// streamed with FileSender (a pull producer, so memory stays flat for any file size).
//   node examples/dist/file-transfer/server.js PORT FILE
//   or: npx torsion serve --listen tcp:8124:interface=127.0.0.1 examples/dist/file-transfer/server.js FILE
import { closeSync, openSync, readFileSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { reactor, Protocol, Factory, FileSender, fdFileSource } from "torsion";

class SendFile extends Protocol {
  override connectionMade(): void {
    const transport = this.transport;
    const { path, header } = this.factory as FileFactory;
    const fd = openSync(path, "r");
    transport.write(Buffer.from(header));
    new FileSender().beginFileTransfer(fdFileSource(fd), transport).addBoth(() => {
      closeSync(fd);
      transport.loseConnection();
      return null;
    });
  }
}

class FileFactory extends Factory<SendFile> {
  override protocol = SendFile;
  readonly header: string;
  constructor(readonly path: string) {
    super();
    this.header = `${statSync(path).size} ${createHash("sha256").update(readFileSync(path)).digest("hex")}\r\n`;
  }
}

/** What `torsion serve` calls: the arguments after the module name are `FILE`. */
export function makeService(options: { readonly args: readonly string[] }): FileFactory {
  const path = options.args[0];
  if (path === undefined) throw new Error("usage: torsion serve --listen DESCRIPTION file-transfer/server.js FILE");
  return new FileFactory(path);
}

const runDirectly = import.meta.url === pathToFileURL(process.argv[1] ?? "").href;
if (runDirectly) {
  const [portText = "8124", path = ""] = process.argv.slice(2);
  if (!path) throw new Error("usage: server.js PORT FILE");
  const port = reactor.listenTCP(Number(portText), new FileFactory(path), { interface: "127.0.0.1" });
  reactor.callWhenRunning(() => console.log(`file server listening on ${port.getHost().toString()}`));
  void reactor.run();
}
