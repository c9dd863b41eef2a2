import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Failure } from "@torsion/defer";
import { ConnectionAborted, ConnectionDone, IPv4Address, IPv6Address, Protocol, type IPushProducer } from "@torsion/core";
import { ProducerStateError, StringTransport, StringTransportWithDisconnection } from "@torsion/testing";

class Producer implements IPushProducer {
  readonly log: string[] = [];
  pauseProducing(): void {
    this.log.push("pause");
  }
  resumeProducing(): void {
    this.log.push("resume");
  }
  stopProducing(): void {
    this.log.push("stop");
  }
}

describe("StringTransport", () => {
  it("records every byte written, in order, until clear()", () => {
    const t = new StringTransport();
    t.write(Buffer.from("ab"));
    t.write(new Uint8Array([0x63]));
    t.writeSequence([Buffer.from("d"), Buffer.from("ef")]);
    assert.equal(t.value().toString(), "abcdef");
    t.clear();
    assert.equal(t.value().length, 0);
    t.write(Buffer.from("g"));
    assert.equal(t.value().toString(), "g");
  });

  it("keeps a copy, so changing a written buffer later changes nothing", () => {
    const t = new StringTransport();
    const data = Buffer.from("abc");
    t.write(data);
    data[0] = 0x7a;
    assert.equal(t.value().toString(), "abc");
  });

  it("returns a fresh Buffer from value() each time", () => {
    const t = new StringTransport();
    t.write(Buffer.from("abc"));
    const v = t.value();
    v[0] = 0x7a;
    assert.equal(t.value().toString(), "abc");
  });

  it("rejects a string or other non-bytes with TypeError and records nothing", () => {
    const t = new StringTransport();
    assert.throws(() => t.write("text" as unknown as Uint8Array), TypeError);
    assert.throws(() => t.writeSequence([42 as unknown as Uint8Array]), TypeError);
    assert.equal(t.value().length, 0);
  });

  it("loseConnection sets disconnecting and does not call connectionLost", () => {
    const t = new StringTransport();
    let lost = false;
    const p = new (class extends Protocol {
      override connectionLost(): void {
        lost = true;
      }
    })();
    p.makeConnection(t);
    t.loseConnection();
    t.loseConnection();
    assert.equal(t.disconnecting, true);
    assert.equal(t.disconnected, false);
    assert.equal(t.loseConnectionCalls, 2);
    assert.equal(lost, false);
  });

  it("abortConnection sets disconnected", () => {
    const t = new StringTransport();
    t.abortConnection();
    assert.equal(t.disconnected, true);
    assert.equal(t.disconnecting, true);
  });

  it("loseWriteConnection is recorded", () => {
    const t = new StringTransport();
    assert.equal(t.writeDisconnecting, false);
    t.loseWriteConnection();
    assert.equal(t.writeDisconnecting, true);
    assert.equal(t.disconnecting, false);
  });

  it("defaults to loopback host and peer addresses", () => {
    const t = new StringTransport();
    assert.ok(t.getHost().equals(new IPv4Address("TCP", "127.0.0.1", 12345)));
    assert.ok(t.getPeer().equals(new IPv4Address("TCP", "127.0.0.1", 54321)));
  });

  it("takes host and peer addresses from its options", () => {
    const host = new IPv6Address("TCP", "::1", 1);
    const peer = new IPv6Address("TCP", "::1", 2);
    const t = new StringTransport({ hostAddress: host, peerAddress: peer });
    assert.equal(t.getHost(), host);
    assert.equal(t.getPeer(), peer);
  });

  it("records TCP_NODELAY and SO_KEEPALIVE settings", () => {
    const t = new StringTransport();
    assert.deepEqual([t.getTcpNoDelay(), t.getTcpKeepAlive()], [false, false]);
    t.setTcpNoDelay(true);
    t.setTcpKeepAlive(true);
    assert.deepEqual([t.getTcpNoDelay(), t.getTcpKeepAlive()], [true, true]);
  });

  it("records a registered producer and whether it streams", () => {
    const t = new StringTransport();
    const producer = new Producer();
    assert.equal(t.producer, null);
    t.registerProducer(producer, true);
    assert.equal(t.producer, producer);
    assert.equal(t.streaming, true);
    t.unregisterProducer();
    assert.equal(t.producer, null);
    assert.equal(t.streaming, null);
  });

  it("throws ProducerStateError for a second registerProducer and keeps the first", () => {
    const t = new StringTransport();
    const first = new Producer();
    t.registerProducer(first, true);
    assert.throws(() => t.registerProducer(new Producer(), false), ProducerStateError);
    assert.equal(t.producer, first);
  });

  it("throws ProducerStateError for unregisterProducer with none registered", () => {
    assert.throws(() => new StringTransport().unregisterProducer(), ProducerStateError);
  });

  it("tracks producerState through pause, resume and stop", () => {
    const t = new StringTransport();
    assert.equal(t.producerState, "producing");
    t.pauseProducing();
    assert.equal(t.producerState, "paused");
    t.resumeProducing();
    assert.equal(t.producerState, "producing");
    t.stopProducing();
    assert.equal(t.producerState, "stopped");
  });

  it("refuses to resume or pause once stopped", () => {
    const t = new StringTransport();
    t.stopProducing();
    assert.throws(() => t.resumeProducing(), ProducerStateError);
    assert.throws(() => t.pauseProducing(), ProducerStateError);
    assert.equal(t.producerState, "stopped");
  });

  it("refuses to resume after loseConnection unless lenient", () => {
    const strict = new StringTransport();
    strict.pauseProducing();
    strict.loseConnection();
    assert.throws(() => strict.resumeProducing(), ProducerStateError);
    const lenient = new StringTransport({ lenient: true });
    lenient.pauseProducing();
    lenient.loseConnection();
    lenient.resumeProducing();
    assert.equal(lenient.producerState, "producing");
  });
});

class Closing extends Protocol {
  readonly reasons: Failure[] = [];
  override connectionLost(reason: Failure): void {
    this.reasons.push(reason);
  }
}

describe("StringTransportWithDisconnection", () => {
  it("calls the protocol's connectionLost with ConnectionDone on loseConnection, once", () => {
    const t = new StringTransportWithDisconnection();
    const p = new Closing();
    p.makeConnection(t);
    t.protocol = p;
    t.loseConnection();
    t.loseConnection();
    assert.equal(p.reasons.length, 1);
    assert.ok(p.reasons[0]?.check(ConnectionDone));
    assert.equal(t.disconnecting, true);
    assert.equal(p.connected, false);
  });

  it("calls connectionLost with ConnectionAborted on abortConnection", () => {
    const t = new StringTransportWithDisconnection();
    const p = new Closing();
    p.makeConnection(t);
    t.protocol = p;
    t.abortConnection();
    t.loseConnection();
    assert.equal(p.reasons.length, 1);
    assert.ok(p.reasons[0]?.check(ConnectionAborted));
  });

  it("only records the close when no protocol is set", () => {
    const t = new StringTransportWithDisconnection();
    t.loseConnection();
    assert.equal(t.disconnecting, true);
    assert.equal(t.protocol, null);
  });

  it("still records writes like a StringTransport", () => {
    const t = new StringTransportWithDisconnection();
    t.write(Buffer.from("x"));
    assert.equal(t.value().toString(), "x");
  });
});
