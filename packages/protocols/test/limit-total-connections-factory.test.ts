import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionDone, IPv4Address, Protocol } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { AccumulatingProtocol, StringTransport } from "@torsion/testing";
import { InvalidPolicyOptionError, LimitTotalConnectionsFactory, ProtocolWrapper } from "@torsion/protocols";

const ADDR = new IPv4Address("TCP", "127.0.0.1", 5000);

class Busy extends Protocol {
  override connectionMade(): void {
    this.transport?.write(Buffer.from("busy\r\n"));
    this.transport?.loseConnection();
  }
}

function open(factory: LimitTotalConnectionsFactory): { wrapper: ProtocolWrapper; transport: StringTransport } | null {
  const wrapper = factory.buildProtocol(ADDR);
  if (wrapper === null) return null;
  const transport = new StringTransport();
  wrapper.makeConnection(transport);
  return { wrapper, transport };
}

describe("LimitTotalConnectionsFactory", () => {
  it("serves any number of connections when connectionLimit is null", () => {
    const factory = new LimitTotalConnectionsFactory({ protocol: AccumulatingProtocol });
    for (let i = 0; i < 20; i++) assert.notEqual(open(factory), null);
    assert.equal(factory.connectionCount, 20);
  });

  it("wraps the protocol and sets its factory", () => {
    const factory = new LimitTotalConnectionsFactory({ protocol: AccumulatingProtocol, connectionLimit: 1 });
    const opened = open(factory);
    assert.ok(opened?.wrapper instanceof ProtocolWrapper);
    const inner = opened.wrapper.wrappedProtocol as AccumulatingProtocol;
    assert.ok(inner instanceof AccumulatingProtocol);
    assert.equal(inner.factory, factory);
    assert.equal(inner.made, true);
  });

  it("refuses connections over the limit when there is no overflow protocol", () => {
    const factory = new LimitTotalConnectionsFactory({ protocol: AccumulatingProtocol, connectionLimit: 2 });
    assert.notEqual(open(factory), null);
    assert.notEqual(open(factory), null);
    assert.equal(open(factory), null);
    assert.equal(factory.connectionCount, 2);
  });

  it("gives connections over the limit the overflow protocol, and counts them", () => {
    const factory = new LimitTotalConnectionsFactory({ protocol: AccumulatingProtocol, connectionLimit: 1, overflowProtocol: Busy });
    open(factory);
    const extra = open(factory);
    assert.ok(extra?.wrapper.wrappedProtocol instanceof Busy);
    assert.equal(extra.transport.value().toString(), "busy\r\n");
    assert.equal(extra.transport.disconnecting, true);
    assert.equal(factory.connectionCount, 2);
  });

  it("frees a slot when a connection is lost", () => {
    const factory = new LimitTotalConnectionsFactory({ protocol: AccumulatingProtocol, connectionLimit: 1 });
    const first = open(factory);
    assert.equal(open(factory), null);
    first?.wrapper.connectionLost(new Failure(new ConnectionDone()));
    assert.equal(factory.connectionCount, 0);
    assert.notEqual(open(factory), null);
  });

  it("rejects a negative limit", () => {
    assert.throws(() => new LimitTotalConnectionsFactory({ connectionLimit: -1 }), InvalidPolicyOptionError);
  });
});
