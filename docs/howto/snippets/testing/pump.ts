// snippet: testing/pump.ts
// A server and a client connected in memory: the pump moves bytes between them, here
// one byte per dataReceived call, to show the protocol does not care about chunking.
import assert from "node:assert/strict";
import { Factory, LineReceiver } from "torsion";
import { connectedServerAndClient } from "torsion/testing";

class Greeter extends LineReceiver {
  override lineReceived(line: Buffer): void {
    this.sendLine(Buffer.from(`hello, ${line.toString()}`));
  }
}

class Visitor extends LineReceiver {
  readonly heard: string[] = [];
  override connectionMade(): void {
    this.sendLine(Buffer.from("alice"));
    this.sendLine(Buffer.from("bob"));
  }
  override lineReceived(line: Buffer): void {
    this.heard.push(line.toString());
  }
}

const { client, pump } = connectedServerAndClient(Factory.forProtocol(Greeter), Factory.forProtocol(Visitor), { chunkSize: 1 });
pump.flush();
assert.deepEqual(client.heard, ["hello, alice", "hello, bob"]);
console.log(`pump: ok (${client.heard.join("; ")})`);
