import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AlreadyListeningError, Factory, IPv4Address, Protocol } from "@torsion/core";
import { FakeListeningPort, successResultOf } from "@torsion/testing";

class Counting extends Factory {
  starts = 0;
  stops = 0;
  override startFactory(): void {
    this.starts++;
  }
  override stopFactory(): void {
    this.stops++;
  }
}

describe("FakeListeningPort", () => {
  it("listens from construction, starting the factory", () => {
    const factory = new Counting();
    factory.protocol = Protocol;
    const port = new FakeListeningPort(new IPv4Address("TCP", "127.0.0.1", 80), factory);
    assert.equal(port.listening, true);
    assert.equal(factory.starts, 1);
    assert.equal(port.factory, factory);
  });

  it("reports its address from getHost", () => {
    const address = new IPv4Address("TCP", "127.0.0.1", 8080);
    const port = new FakeListeningPort(address, new Counting());
    assert.equal(port.getHost(), address);
  });

  it("stopListening stops the factory once and returns a fired Deferred each time", () => {
    const factory = new Counting();
    const port = new FakeListeningPort(new IPv4Address("TCP", "127.0.0.1", 80), factory);
    successResultOf(port.stopListening());
    successResultOf(port.stopListening());
    assert.equal(factory.stops, 1);
    assert.equal(port.listening, false);
  });

  it("can listen again after stopping, starting the factory again", () => {
    const factory = new Counting();
    const port = new FakeListeningPort(new IPv4Address("TCP", "127.0.0.1", 80), factory);
    port.stopListening();
    port.startListening();
    assert.equal(factory.starts, 2);
    assert.equal(factory.numPorts, 1);
  });

  it("throws AlreadyListeningError for startListening while listening, as the real ports", () => {
    const factory = new Counting();
    const port = new FakeListeningPort(new IPv4Address("TCP", "127.0.0.1", 80), factory);
    assert.throws(() => port.startListening(), AlreadyListeningError);
    assert.equal(factory.starts, 1);
  });
});
