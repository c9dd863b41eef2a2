import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionDone, IPv4Address, Protocol, ProtocolLifecycleError, UNIXAddress } from "@torsion/core";
import type { IProducer, IPushProducer, ITransport } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { AccumulatingProtocol, StringTransport } from "@torsion/testing";
import { ProtocolWrapper, UnsupportedTransportMethodError } from "@torsion/protocols";
import type { IWrapperRegistry } from "@torsion/protocols";

class Registry implements IWrapperRegistry {
  readonly log: string[] = [];
  registerProtocol(wrapper: ProtocolWrapper): void {
    this.log.push(`register ${wrapper.connected}`);
  }
  unregisterProtocol(wrapper: ProtocolWrapper): void {
    this.log.push("unregister");
  }
}

class Recorder extends Protocol {
  readonly log: string[];
  constructor(log: string[]) {
    super();
    this.log = log;
  }
  override connectionMade(): void {
    this.log.push("inner connectionMade");
  }
  override dataReceived(data: Buffer): void {
    this.log.push(`inner data ${data.toString()}`);
  }
  override connectionLost(reason: Failure): void {
    this.log.push(`inner lost ${reason.value.name}`);
  }
}

class HalfCloser extends AccumulatingProtocol {
  readonly halves: string[] = [];
  readConnectionLost(): void {
    this.halves.push("read");
  }
  writeConnectionLost(): void {
    this.halves.push("write");
  }
}

/** A transport with only ITransport's methods: no TCP extras. */
class PlainTransport implements ITransport {
  readonly written: Buffer[] = [];
  disconnecting = false;
  write(data: Uint8Array): void {
    this.written.push(Buffer.from(data));
  }
  writeSequence(data: Iterable<Uint8Array>): void {
    for (const chunk of data) this.write(chunk);
  }
  loseConnection(): void {}
  getPeer(): UNIXAddress {
    return new UNIXAddress(null);
  }
  getHost(): UNIXAddress {
    return new UNIXAddress("/tmp/x.sock");
  }
  registerProducer(producer: IProducer, streaming: boolean): void {}
  unregisterProducer(): void {}
  pauseProducing(): void {}
  resumeProducing(): void {}
  stopProducing(): void {}
}

describe("ProtocolWrapper", () => {
  it("registers with its registry, then connects the inner protocol with itself as transport", () => {
    const registry = new Registry();
    const inner = new Recorder(registry.log);
    const wrapper = new ProtocolWrapper(registry, inner);
    wrapper.makeConnection(new StringTransport());
    assert.deepEqual(registry.log, ["register true", "inner connectionMade"]);
    assert.equal(inner.transport, wrapper);
    assert.equal(wrapper.wrappedProtocol, inner);
  });

  it("forwards data inward, and on connectionLost unregisters before telling the inner protocol", () => {
    const registry = new Registry();
    const inner = new Recorder(registry.log);
    const wrapper = new ProtocolWrapper(registry, inner);
    wrapper.makeConnection(new StringTransport());
    wrapper.dataReceived(Buffer.from("hi"));
    wrapper.connectionLost(new Failure(new ConnectionDone()));
    assert.deepEqual(registry.log.slice(2), ["inner data hi", "unregister", "inner lost ConnectionDone"]);
  });

  it("forwards writes, writeSequence, addresses and closes to the real transport", () => {
    const inner = new AccumulatingProtocol();
    const wrapper = new ProtocolWrapper(new Registry(), inner);
    const peer = new IPv4Address("TCP", "127.0.0.1", 999);
    const transport = new StringTransport({ peerAddress: peer });
    wrapper.makeConnection(transport);
    const seen = inner.transport;
    seen.write(Buffer.from("ab"));
    seen.writeSequence([Buffer.from("c"), Buffer.from("d")]);
    assert.equal(transport.value().toString(), "abcd");
    assert.equal(seen.getPeer(), peer);
    assert.equal(seen.getHost(), transport.getHost());
    assert.equal(wrapper.disconnecting, false);
    seen.loseConnection();
    assert.equal(transport.disconnecting, true);
    assert.equal(wrapper.disconnecting, true);
  });

  it("forwards abortConnection, half-close and the TCP options of a TCP transport", () => {
    const wrapper = new ProtocolWrapper(new Registry(), new AccumulatingProtocol());
    const transport = new StringTransport();
    wrapper.makeConnection(transport);
    wrapper.setTcpNoDelay(true);
    wrapper.setTcpKeepAlive(true);
    assert.equal(wrapper.getTcpNoDelay(), true);
    assert.equal(wrapper.getTcpKeepAlive(), true);
    assert.equal(transport.getTcpNoDelay(), true);
    wrapper.loseWriteConnection();
    assert.equal(transport.writeDisconnecting, true);
    wrapper.abortConnection();
    assert.equal(transport.disconnected, true);
  });

  it("forwards producer registration and the transport's own pause, resume and stop", () => {
    const wrapper = new ProtocolWrapper(new Registry(), new AccumulatingProtocol());
    const transport = new StringTransport();
    wrapper.makeConnection(transport);
    const producer: IPushProducer = { pauseProducing() {}, resumeProducing() {}, stopProducing() {} };
    wrapper.registerProducer(producer, true);
    assert.equal(transport.producer, producer);
    assert.equal(transport.streaming, true);
    wrapper.pauseProducing();
    assert.equal(transport.producerState, "paused");
    wrapper.resumeProducing();
    assert.equal(transport.producerState, "producing");
    wrapper.unregisterProducer();
    assert.equal(transport.producer, null);
    wrapper.stopProducing();
    assert.equal(transport.producerState, "stopped");
  });

  it("throws a typed error for TCP methods the real transport lacks", () => {
    const wrapper = new ProtocolWrapper(new Registry(), new AccumulatingProtocol());
    const transport = new PlainTransport();
    wrapper.makeConnection(transport);
    wrapper.write(Buffer.from("ok"));
    assert.equal(transport.written.length, 1);
    assert.throws(() => wrapper.abortConnection(), UnsupportedTransportMethodError);
    assert.throws(() => wrapper.loseWriteConnection(), UnsupportedTransportMethodError);
    assert.throws(() => wrapper.getTcpNoDelay(), UnsupportedTransportMethodError);
  });

  it("refuses to act as a transport before makeConnection", () => {
    const wrapper = new ProtocolWrapper(new Registry(), new AccumulatingProtocol());
    assert.throws(() => wrapper.write(Buffer.from("x")), ProtocolLifecycleError);
    assert.throws(() => wrapper.getPeer(), ProtocolLifecycleError);
  });

  it("keeps the makeConnection guard of Protocol (the transport enforces the rest of the lifecycle)", () => {
    const wrapper = new ProtocolWrapper(new Registry(), new AccumulatingProtocol());
    wrapper.makeConnection(new StringTransport());
    assert.throws(() => wrapper.makeConnection(new StringTransport()), ProtocolLifecycleError);
  });

  it("passes half-close notifications to an inner protocol that handles them, and only then", () => {
    const halfCloser = new HalfCloser();
    const wrapper = new ProtocolWrapper(new Registry(), halfCloser);
    const plain = new ProtocolWrapper(new Registry(), new AccumulatingProtocol());
    const asHalf = wrapper as unknown as { readConnectionLost(): void; writeConnectionLost(): void };
    asHalf.readConnectionLost();
    asHalf.writeConnectionLost();
    assert.deepEqual(halfCloser.halves, ["read", "write"]);
    assert.equal("readConnectionLost" in plain, false);
  });

  it("names itself after the inner protocol in log prefixes", () => {
    const wrapper = new ProtocolWrapper(new Registry(), new AccumulatingProtocol());
    assert.equal(wrapper.logPrefix(), "AccumulatingProtocol (ProtocolWrapper)");
  });
});
