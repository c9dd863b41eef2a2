// snippet: testing/string-transport.ts
// A protocol under test with no socket: StringTransport records what it writes.
import assert from "node:assert/strict";
import { LineReceiver } from "torsion";
import { StringTransport } from "torsion/testing";

class Adder extends LineReceiver {
  override lineReceived(line: Buffer): void {
    const sum = line
      .toString()
      .split(" ")
      .map(Number)
      .reduce((a, b) => a + b, 0);
    this.sendLine(Buffer.from(String(sum)));
  }
}

const protocol = new Adder();
const transport = new StringTransport();
protocol.makeConnection(transport);

protocol.dataReceived(Buffer.from("1 2\r\n3 4 5\r\n"));
assert.equal(transport.value().toString(), "3\r\n12\r\n");

transport.clear();
protocol.dataReceived(Buffer.from("10 ")); // half a line: nothing yet
assert.equal(transport.value().length, 0);
protocol.dataReceived(Buffer.from("20\r\n"));
assert.equal(transport.value().toString(), "30\r\n");
console.log("string transport: ok");
