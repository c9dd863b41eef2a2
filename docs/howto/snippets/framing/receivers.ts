// snippet: framing/receivers.ts
// The framing receivers turn a byte stream into messages, whatever the chunking.
import assert from "node:assert/strict";
import { LineReceiver, Int32StringReceiver, NetstringReceiver } from "torsion";
import { StringTransport, feedInChunks } from "torsion/testing";

class Lines extends LineReceiver {
  readonly lines: string[] = [];
  override lineReceived(line: Buffer): void {
    this.lines.push(line.toString());
  }
}

class Strings extends Int32StringReceiver {
  readonly strings: string[] = [];
  override stringReceived(data: Buffer): void {
    this.strings.push(data.toString());
  }
}

class Netstrings extends NetstringReceiver {
  readonly strings: string[] = [];
  override stringReceived(data: Buffer): void {
    this.strings.push(data.toString());
  }
}

// Feed the same bytes one byte at a time, three at a time, and whole.
for (const size of [1, 3, 1000]) {
  const lines = new Lines();
  lines.makeConnection(new StringTransport());
  feedInChunks(lines, Buffer.from("first\r\nsecond\r\nthird"), size);
  assert.deepEqual(lines.lines, ["first", "second"]); // "third" has no delimiter yet
}

// What one receiver sends, the same receiver on the other side understands.
const sender = new Strings();
const wire = new StringTransport();
sender.makeConnection(wire);
sender.sendString(Buffer.from("length-prefixed"));
sender.sendString(Buffer.from(""));
const receiver = new Strings();
receiver.makeConnection(new StringTransport());
feedInChunks(receiver, wire.value(), 2);
assert.deepEqual(receiver.strings, ["length-prefixed", ""]);
console.log(`int32 frame of "length-prefixed": ${wire.value().subarray(0, 19).toString("hex")}`);

const net = new Netstrings();
net.makeConnection(new StringTransport());
net.dataReceived(Buffer.from("5:hello,0:,"));
assert.deepEqual(net.strings, ["hello", ""]);
console.log("framing: ok");
