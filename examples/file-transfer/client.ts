// Downloads the file served by server.js, saves it, and checks its SHA-256.
//   node examples/dist/file-transfer/client.js PORT OUTPUT
import { closeSync, openSync, writeSync } from "node:fs";
import { createHash } from "node:crypto";
import { reactor, LineReceiver, ClientFactory, type Failure, type IConnector } from "torsion";

const [portText = "8124", output = ""] = process.argv.slice(2);
if (!output) throw new Error("usage: client.js PORT OUTPUT");

class ReceiveFile extends LineReceiver {
  #expected = { size: -1, digest: "" };
  #received = 0;
  #hash = createHash("sha256");
  #fd = openSync(output, "w");

  override lineReceived(line: Buffer): void {
    const [size, digest] = line.toString().split(" ");
    this.#expected = { size: Number(size), digest: digest ?? "" };
    this.setRawMode();
  }

  override rawDataReceived(data: Buffer): void {
    writeSync(this.#fd, data);
    this.#hash.update(data);
    this.#received += data.length;
  }

  override connectionLost(_reason: Failure): void {
    closeSync(this.#fd);
    const digest = this.#hash.digest("hex");
    const ok = this.#received === this.#expected.size && digest === this.#expected.digest;
    console.log(`received ${this.#received} bytes, sha256 ${digest}: ${ok ? "verified" : "MISMATCH"}`);
    if (!ok) process.exitCode = 1;
  }
}

class ReceiveFactory extends ClientFactory {
  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    console.log(`Connection failed: ${reason.getErrorMessage()}`);
    process.exitCode = 1;
    reactor.stop();
  }

  override clientConnectionLost(): void {
    reactor.stop();
  }
}

reactor.connectTCP("127.0.0.1", Number(portText), ReceiveFactory.forProtocol(ReceiveFile));
void reactor.run();
