import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Failure } from "@torsion/defer";
import { ClientFactory, ConnectorBusyError, IPv4Address, NotConnectingError, UserError, type IConnector } from "@torsion/core";
import { FakeConnector } from "@torsion/testing";

class Recording extends ClientFactory {
  readonly events: string[] = [];
  override startedConnecting(_c: IConnector): void {
    this.events.push("started");
  }
  override clientConnectionFailed(_c: IConnector, reason: Failure): void {
    this.events.push(`failed ${reason.value.name}`);
  }
}

const dest = new IPv4Address("TCP", "127.0.0.1", 9);

describe("FakeConnector", () => {
  it("starts connecting and reports its destination", () => {
    const c = new FakeConnector(dest, new Recording());
    assert.equal(c.state, "connecting");
    assert.equal(c.getDestination(), dest);
  });

  it("stopConnecting fails the attempt with UserError", () => {
    const factory = new Recording();
    const c = new FakeConnector(dest, factory);
    c.stopConnecting();
    assert.equal(c.state, "disconnected");
    assert.equal(c.stoppedConnecting, true);
    assert.deepEqual(factory.events, [`failed ${UserError.name}`]);
  });

  it("stopConnecting throws NotConnectingError when not connecting", () => {
    const c = new FakeConnector(dest, new Recording());
    c.stopConnecting();
    assert.throws(() => c.stopConnecting(), NotConnectingError);
  });

  it("connect starts a new attempt after a failure, calling startedConnecting", () => {
    const factory = new Recording();
    const c = new FakeConnector(dest, factory);
    c.stopConnecting();
    c.connect();
    assert.equal(c.state, "connecting");
    assert.equal(c.connectCalls, 1);
    assert.deepEqual(factory.events, ["failed UserError", "started"]);
  });

  it("connect throws ConnectorBusyError while connecting or connected, as the real connectors", () => {
    const c = new FakeConnector(dest, new Recording());
    assert.throws(() => c.connect(), ConnectorBusyError);
    c.state = "connected";
    assert.throws(() => c.connect(), ConnectorBusyError);
  });

  it("disconnect is recorded and stops a pending attempt", () => {
    const factory = new Recording();
    const c = new FakeConnector(dest, factory);
    c.disconnect();
    assert.equal(c.disconnectCalls, 1);
    assert.equal(c.state, "disconnected");
    c.disconnect();
    assert.equal(c.disconnectCalls, 2);
    assert.deepEqual(factory.events, ["failed UserError"]);
  });
});
