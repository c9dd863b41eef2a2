import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ClientFactory, ConnectionRefusedError, Factory, IPv4Address } from "@torsion/core";
import type { IAddress, IConnector, IProtocol } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { AccumulatingProtocol, FakeConnector, connectedServerAndClient } from "@torsion/testing";
import { ProtocolWrapper, WrappingFactory } from "@torsion/protocols";

const ADDR = new IPv4Address("TCP", "127.0.0.1", 5000);

class RecordingClientFactory extends ClientFactory<AccumulatingProtocol> {
  readonly log: string[] = [];
  constructor() {
    super();
    this.protocol = AccumulatingProtocol;
  }
  override startFactory(): void {
    this.log.push("startFactory");
  }
  override stopFactory(): void {
    this.log.push("stopFactory");
  }
  override startedConnecting(connector: IConnector): void {
    this.log.push("startedConnecting");
  }
  override clientConnectionFailed(connector: IConnector, reason: Failure): void {
    this.log.push(`failed ${reason.value.name}`);
  }
  override clientConnectionLost(connector: IConnector, reason: Failure): void {
    this.log.push(`lost ${reason.value.name}`);
  }
}

class Echo extends AccumulatingProtocol {
  override dataReceived(data: Buffer): void {
    super.dataReceived(data);
    this.transport?.write(data);
  }
}

describe("WrappingFactory", () => {
  it("wraps each protocol the wrapped factory builds", () => {
    const wrapped = Factory.forProtocol(AccumulatingProtocol);
    const factory = new WrappingFactory(wrapped);
    const wrapper = factory.buildProtocol(ADDR);
    assert.ok(wrapper instanceof ProtocolWrapper);
    assert.ok(wrapper.wrappedProtocol instanceof AccumulatingProtocol);
    assert.equal(wrapper.wrappedProtocol.factory, wrapped);
  });

  it("refuses when the wrapped factory refuses", () => {
    const refusing = { buildProtocol: (addr: IAddress): IProtocol | null => null, doStart() {}, doStop() {} };
    assert.equal(new WrappingFactory(refusing).buildProtocol(ADDR), null);
  });

  it("tracks live wrappers in protocols from connection to loss", () => {
    const factory = new WrappingFactory(Factory.forProtocol(Echo));
    const { server, client, pump } = connectedServerAndClient(factory, Factory.forProtocol(AccumulatingProtocol));
    assert.deepEqual([...factory.protocols], [server]);
    client.transport.write(Buffer.from("ping"));
    pump.flush();
    assert.equal(client.data.toString(), "ping");
    client.transport.loseConnection();
    pump.flush();
    assert.equal(factory.protocols.size, 0);
    assert.equal((server.wrappedProtocol as Echo).closed, true);
  });

  it("forwards doStart and doStop to the wrapped factory", () => {
    const wrapped = new RecordingClientFactory();
    const factory = new WrappingFactory(wrapped);
    factory.doStart();
    factory.doStop();
    assert.deepEqual(wrapped.log, ["startFactory", "stopFactory"]);
    assert.equal(factory.numPorts, 0);
  });

  it("forwards the client callbacks to the wrapped factory", () => {
    const wrapped = new RecordingClientFactory();
    const factory = new WrappingFactory(wrapped);
    const connector = new FakeConnector(ADDR, factory);
    factory.startedConnecting(connector);
    factory.clientConnectionFailed(connector, new Failure(new ConnectionRefusedError()));
    factory.clientConnectionLost(connector, new Failure(new ConnectionRefusedError()));
    assert.deepEqual(wrapped.log, ["startedConnecting", "failed ConnectionRefusedError", "lost ConnectionRefusedError"]);
  });

  it("tolerates a wrapped factory without client callbacks", () => {
    const factory = new WrappingFactory(Factory.forProtocol(AccumulatingProtocol));
    const connector = new FakeConnector(ADDR, factory);
    assert.doesNotThrow(() => factory.clientConnectionFailed(connector, new Failure(new ConnectionRefusedError())));
  });

  it("names itself after the wrapped factory in log prefixes", () => {
    assert.equal(new WrappingFactory(new RecordingClientFactory()).logPrefix(), "RecordingClientFactory (WrappingFactory)");
  });
});
