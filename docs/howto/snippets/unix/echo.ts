// snippet: unix/echo.ts
// The same Protocol and Factory over a Unix socket: only the listen/connect calls change.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reactor, Protocol, Factory, ClientFactory, type UNIXAddress } from "torsion";

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }
}

class Hello extends Protocol {
  override connectionMade(): void {
    const peer = (this.transport.getPeer() as UNIXAddress).name;
    console.log(`connected; the peer is ${peer === path ? "the socket path" : String(peer)}`);
    this.transport.write(Buffer.from("over a unix socket"));
  }
  override dataReceived(data: Buffer): void {
    console.log(`echoed: ${data.toString()}`);
    this.transport.loseConnection();
  }
}

const dir = mkdtempSync(join(tmpdir(), "torsion-howto-"));
const path = join(dir, "echo.sock");
reactor.listenUNIX(path, Factory.forProtocol(Echo), { mode: 0o600 });
const clients = ClientFactory.forProtocol(Hello);
clients.clientConnectionLost = () => reactor.stop();
reactor.connectUNIX(path, clients);
await reactor.run();
rmSync(dir, { recursive: true, force: true });
