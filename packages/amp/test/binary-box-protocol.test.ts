import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { Protocol } from "@torsion/core";
import { Failure, setErrorReporter, type ErrorReporter } from "@torsion/defer";
import { AmpBox, BAD_INPUT_CONTEXT, BinaryBoxProtocol, ProtocolSwitched, TooLong } from "@torsion/amp";
import { StringTransport } from "@torsion/testing";

class Recorder extends BinaryBoxProtocol {
  readonly boxes: AmpBox[] = [];
  reason: Failure | null = null;
  override ampBoxReceived(box: AmpBox): void {
    this.boxes.push(box);
    if (box.has("switch")) this.switchTo(inner);
    if (box.has("throw")) throw new RangeError("handler bug");
  }
  override stopReceivingBoxes(reason: Failure): void {
    this.reason = reason;
  }
}

class Inner extends Protocol {
  readonly data: string[] = [];
  override dataReceived(data: Buffer): void {
    this.data.push(data.toString("latin1"));
  }
}
let inner = new Inner();

describe("BinaryBoxProtocol", () => {
  const reports: string[] = [];
  let previous: ErrorReporter;
  before(() => {
    previous = setErrorReporter((_error, context) => {
      reports.push(context);
    });
  });
  after(() => setErrorReporter(previous));

  it("hands the bytes after a switching box, and every later byte, to the new protocol", () => {
    inner = new Inner();
    const protocol = new Recorder();
    protocol.makeConnection(new StringTransport());
    protocol.dataReceived(Buffer.concat([new AmpBox({ switch: Buffer.from("1") }).serialize(), Buffer.from("\0\0rest")]));
    protocol.dataReceived(Buffer.from("more"));
    assert.equal(protocol.boxes.length, 1);
    assert.deepEqual(inner.data, ["\0\0rest", "more"]);
  });

  it("refuses to send after lockForSwitch until unlocked", () => {
    const protocol = new Recorder();
    protocol.makeConnection(new StringTransport());
    protocol.lockForSwitch();
    assert.throws(() => protocol.sendBox(new AmpBox()), ProtocolSwitched);
    protocol.unlockFromSwitch();
    protocol.sendBox(new AmpBox());
  });

  it("closes with the error as the reason when a handler throws, reporting it; a long key is not reported", () => {
    const protocol = new Recorder();
    const transport = new StringTransport();
    protocol.makeConnection(transport);
    const before = reports.length;
    protocol.dataReceived(
      Buffer.concat([new AmpBox({ throw: Buffer.from("1") }).serialize(), new AmpBox({ a: Buffer.from("1") }).serialize()]),
    );
    assert.equal(protocol.boxes.length, 1, "nothing is delivered after the failure");
    assert.ok(transport.disconnecting);
    assert.deepEqual(reports.slice(before), [BAD_INPUT_CONTEXT]);
    protocol.connectionLost(new Failure(new Error("gone")));
    assert.ok(protocol.reason?.value instanceof RangeError);

    const other = new Recorder();
    other.makeConnection(new StringTransport());
    other.dataReceived(Buffer.from([1, 0]));
    other.connectionLost(new Failure(new Error("gone")));
    assert.ok(other.reason?.value instanceof TooLong);
    assert.equal(reports.length, before + 1);
  });
});
