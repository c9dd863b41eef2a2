import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProducerAlreadyRegisteredError, IPv4Address, Protocol, type IPushProducer } from "@torsion/core";
import { FakeTransport } from "@torsion/testing";

const host = new IPv4Address("TCP", "127.0.0.1", 1);
const peer = new IPv4Address("TCP", "127.0.0.1", 2);
const make = (): FakeTransport => new FakeTransport(new Protocol(), { hostAddress: host, peerAddress: peer });

class Producer implements IPushProducer {
  stopped = 0;
  pauseProducing(): void {}
  resumeProducing(): void {}
  stopProducing(): void {
    this.stopped++;
  }
}

describe("FakeTransport", () => {
  it("buffers writes, in order, until the pump takes them", () => {
    const t = make();
    assert.equal(t.hasPendingOutput, false);
    t.write(Buffer.from("ab"));
    t.writeSequence([Buffer.from("c"), Buffer.from("d")]);
    assert.equal(t.hasPendingOutput, true);
    assert.equal(t.takeOutput()?.toString(), "abcd");
    assert.equal(t.takeOutput(), null);
  });

  it("copies written bytes and skips empty writes", () => {
    const t = make();
    const data = Buffer.from("xyz");
    t.write(data);
    data[0] = 0x41;
    t.write(Buffer.alloc(0));
    assert.equal(t.takeOutput()?.toString(), "xyz");
  });

  it("rejects non-bytes with TypeError", () => {
    assert.throws(() => make().write("s" as unknown as Uint8Array), TypeError);
  });

  it("puts bytes back in front with unshiftOutput", () => {
    const t = make();
    t.write(Buffer.from("cd"));
    t.unshiftOutput(Buffer.from("ab"));
    assert.equal(t.takeOutput()?.toString(), "abcd");
  });

  it("ignores writes after loseConnection or loseWriteConnection", () => {
    const a = make();
    a.loseConnection();
    a.write(Buffer.from("late"));
    assert.equal(a.hasPendingOutput, false);
    const b = make();
    b.loseWriteConnection();
    b.write(Buffer.from("late"));
    assert.equal(b.hasPendingOutput, false);
    assert.equal(b.writeShutdown, "requested");
  });

  it("abortConnection drops unsent bytes and marks the transport aborted", () => {
    const t = make();
    t.write(Buffer.from("unsent"));
    t.abortConnection();
    assert.equal(t.hasPendingOutput, false);
    assert.deepEqual([t.aborted, t.disconnecting, t.disconnected], [true, true, false]);
  });

  it("reports its addresses and records TCP options", () => {
    const t = make();
    assert.equal(t.getHost(), host);
    assert.equal(t.getPeer(), peer);
    t.setTcpNoDelay(true);
    t.setTcpKeepAlive(true);
    assert.deepEqual([t.getTcpNoDelay(), t.getTcpKeepAlive()], [true, true]);
  });

  it("refuses a second producer and lets the first be unregistered", () => {
    const t = make();
    const first = new Producer();
    t.registerProducer(first, true);
    assert.throws(() => t.registerProducer(new Producer(), true), ProducerAlreadyRegisteredError);
    t.unregisterProducer();
    assert.equal(t.producer, null);
    t.unregisterProducer();
  });

  it("stops the producer when the connection is lost, and at once once closed", () => {
    const t = make();
    t.protocol.makeConnection(t);
    const producer = new Producer();
    t.registerProducer(producer, true);
    t.deliverConnectionLost(new Error("gone"));
    assert.equal(producer.stopped, 1);
    assert.equal(t.disconnected, true);
    const late = new Producer();
    t.registerProducer(late, true);
    assert.equal(late.stopped, 1);
    assert.equal(t.producer, null);
  });

  it("pauses and resumes delivery to its protocol, and stopProducing loses the connection", () => {
    const t = make();
    t.pauseProducing();
    assert.equal(t.readingPaused, true);
    t.resumeProducing();
    assert.equal(t.readingPaused, false);
    t.stopProducing();
    assert.equal(t.disconnecting, true);
  });
});
