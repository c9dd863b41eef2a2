import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Factory, IPv4Address, Protocol, ServerFactory, type IAddress } from "@torsion/core";

class Hello extends Protocol {}
const addr = new IPv4Address("TCP", "127.0.0.1", 1234);

class CountingFactory extends Factory<Hello> {
  starts = 0;
  stops = 0;
  constructor(readonly label = "default") {
    super();
  }
  override startFactory(): void {
    this.starts++;
  }
  override stopFactory(): void {
    this.stops++;
  }
}

describe("Factory", () => {
  it("forProtocol makes a factory of the calling class with protocol set, passing constructor arguments", () => {
    const factory = CountingFactory.forProtocol(Hello, "custom");
    assert.ok(factory instanceof CountingFactory);
    assert.equal(factory.protocol, Hello);
    assert.equal(factory.label, "custom");
  });

  it("buildProtocol instantiates protocol and sets its factory", () => {
    const factory = Factory.forProtocol(Hello);
    const protocol = factory.buildProtocol(addr);
    assert.ok(protocol instanceof Hello);
    assert.equal(protocol.factory, factory);
  });

  it("buildProtocol builds a new protocol for every connection", () => {
    const factory = Factory.forProtocol(Hello);
    assert.notEqual(factory.buildProtocol(addr), factory.buildProtocol(addr));
  });

  it("buildProtocol throws TypeError when protocol is not set", () => {
    assert.throws(() => new Factory().buildProtocol(addr), TypeError);
  });

  it("lets an override refuse a connection by returning null", () => {
    class Refusing extends Factory<Hello> {
      readonly asked: IAddress[] = [];
      override buildProtocol(a: IAddress): Hello | null {
        this.asked.push(a);
        return null;
      }
    }
    const factory = new Refusing();
    assert.equal(factory.buildProtocol(addr), null);
    assert.deepEqual(factory.asked, [addr]);
  });

  it("calls startFactory on the first doStart and stopFactory after the last doStop", () => {
    const factory = new CountingFactory();
    factory.doStart();
    factory.doStart();
    assert.equal(factory.starts, 1);
    assert.equal(factory.numPorts, 2);
    factory.doStop();
    assert.equal(factory.stops, 0);
    factory.doStop();
    assert.equal(factory.stops, 1);
    assert.equal(factory.numPorts, 0);
  });

  it("ignores a doStop with no matching doStart", () => {
    const factory = new CountingFactory();
    factory.doStop();
    assert.equal(factory.stops, 0);
    assert.equal(factory.numPorts, 0);
  });

  it("starts again after being fully stopped", () => {
    const factory = new CountingFactory();
    factory.doStart();
    factory.doStop();
    factory.doStart();
    assert.equal(factory.starts, 2);
  });

  it("works quietly when noisy is false", () => {
    const factory = new CountingFactory();
    factory.noisy = false;
    factory.doStart();
    factory.doStop();
    assert.deepEqual([factory.starts, factory.stops], [1, 1]);
  });
});

describe("ServerFactory", () => {
  it("is a Factory that builds protocols", () => {
    const factory = ServerFactory.forProtocol(Hello);
    assert.ok(factory instanceof Factory);
    assert.ok(factory.buildProtocol(addr) instanceof Hello);
  });
});
