import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Failure } from "@torsion/defer";
import {
  ConnectionAborted,
  ConnectionDone,
  ConnectionLost,
  IPv4Address,
  IPv6Address,
  ProducerAlreadyRegisteredError,
  Protocol,
  type IPushProducer,
} from "@torsion/core";
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

  it("throws ProducerAlreadyRegisteredError for a second registerProducer and keeps the first, as the real transports", () => {
    const t = new StringTransport();
    const first = new Producer();
    t.registerProducer(first, true);
    assert.throws(() => t.registerProducer(new Producer(), false), ProducerAlreadyRegisteredError);
    assert.equal(t.producer, first);
  });

  it("does nothing for unregisterProducer with none registered (the IConsumer contract)", () => {
    const t = new StringTransport();
    t.unregisterProducer();
    assert.equal(t.producer, null);
  });

  it("records nothing from a writeSequence with one non-bytes element (the old fake wrote the elements before it)", () => {
    const t = new StringTransport();
    assert.throws(() => t.writeSequence([Buffer.from("a"), "b" as unknown as Uint8Array, Buffer.from("c")]), TypeError);
    assert.equal(t.value().length, 0);
    t.writeSequence(new Set([Buffer.from("x"), Buffer.from("y")]));
    assert.equal(t.value().toString(), "xy");
  });

  it("ignores writes after loseConnection with no producer, after abortConnection and after loseWriteConnection", () => {
    const closing = new StringTransport();
    closing.write(Buffer.from("kept"));
    closing.loseConnection();
    closing.write(Buffer.from(" dropped"));
    closing.writeSequence([Buffer.from(" dropped")]);
    assert.equal(closing.value().toString(), "kept");
    const aborted = new StringTransport();
    aborted.abortConnection();
    aborted.write(Buffer.from("dropped"));
    assert.equal(aborted.value().length, 0);
    const halfClosed = new StringTransport();
    halfClosed.loseWriteConnection();
    halfClosed.write(Buffer.from("dropped"));
    assert.equal(halfClosed.value().length, 0);
    assert.throws(() => aborted.write("text" as unknown as Uint8Array), TypeError, "bad input still throws after close");
  });

  it("keeps recording a registered producer's writes after loseConnection, until it unregisters", () => {
    const t = new StringTransport();
    t.registerProducer(new Producer(), true);
    t.loseConnection();
    t.write(Buffer.from("held "));
    t.unregisterProducer();
    t.write(Buffer.from("dropped"));
    assert.equal(t.value().toString(), "held ");
  });

  it("stops a producer registered after abortConnection at once, without registering it", () => {
    const t = new StringTransport();
    t.abortConnection();
    const producer = new Producer();
    t.registerProducer(producer, true);
    assert.deepEqual(producer.log, ["stop"]);
    assert.equal(t.producer, null);
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

  it("waits for a registered producer to unregister before connectionLost (the old fake closed at once)", () => {
    const t = new StringTransportWithDisconnection();
    const p = new Closing();
    p.makeConnection(t);
    t.protocol = p;
    const producer = new Producer();
    t.registerProducer(producer, true);
    t.loseConnection();
    assert.equal(t.disconnecting, true);
    assert.equal(p.reasons.length, 0);
    t.write(Buffer.from("last"));
    t.unregisterProducer();
    assert.equal(p.reasons.length, 1);
    assert.ok(p.reasons[0]?.check(ConnectionDone));
    assert.deepEqual(producer.log, [], "an unregistered producer is not stopped");
    assert.equal(t.value().toString(), "last");
    assert.equal(t.closed, true);
  });

  it("stops a registered producer when aborted, then tells the protocol", () => {
    const t = new StringTransportWithDisconnection();
    const p = new Closing();
    p.makeConnection(t);
    t.protocol = p;
    const producer = new Producer();
    t.registerProducer(producer, true);
    t.abortConnection();
    assert.deepEqual(producer.log, ["stop"]);
    assert.equal(t.producer, null);
    assert.ok(p.reasons[0]?.check(ConnectionAborted));
  });

  it("peerClosed closes from the other side with the reason given, once", () => {
    const t = new StringTransportWithDisconnection();
    const p = new Closing();
    p.makeConnection(t);
    t.protocol = p;
    t.peerClosed(new ConnectionLost());
    t.peerClosed();
    t.loseConnection();
    assert.equal(p.reasons.length, 1);
    assert.ok(p.reasons[0]?.check(ConnectionLost));
    assert.deepEqual([t.disconnecting, t.disconnected, t.closed], [true, true, true]);
    t.write(Buffer.from("dropped"));
    assert.equal(t.value().length, 0);
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
