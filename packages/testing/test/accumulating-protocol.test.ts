import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deferred, Failure } from "@torsion/defer";
import { ConnectionDone, IPv4Address } from "@torsion/core";
import { AccumulatingFactory, AccumulatingProtocol, StringTransport, successResultOf } from "@torsion/testing";

const addr = new IPv4Address("TCP", "127.0.0.1", 1);

describe("AccumulatingProtocol", () => {
  it("records made, the data received, and the close reason", () => {
    const p = new AccumulatingProtocol();
    assert.deepEqual([p.made, p.closed, p.closedReason], [false, false, null]);
    p.makeConnection(new StringTransport());
    assert.equal(p.made, true);
    p.dataReceived(Buffer.from("ab"));
    p.dataReceived(Buffer.from("c"));
    assert.equal(p.data.toString(), "abc");
    assert.equal(p.dataReceivedCount, 2);
    const reason = new Failure(new ConnectionDone());
    p.connectionLost(reason);
    assert.equal(p.closed, true);
    assert.equal(p.closedReason, reason);
  });

  it("fires closedDeferred once when the connection closes", () => {
    const p = new AccumulatingProtocol();
    const closed = new Deferred<undefined>();
    p.closedDeferred = closed;
    p.makeConnection(new StringTransport());
    assert.equal(closed.peek().state, "pending");
    p.connectionLost(new Failure(new ConnectionDone()));
    // eslint-disable-next-line @typescript-eslint/no-confusing-void-expression -- asserts the void result
    assert.equal(successResultOf(closed), undefined);
    assert.equal(p.closedDeferred, null);
  });
});

describe("AccumulatingFactory", () => {
  it("builds AccumulatingProtocols that know their factory", () => {
    const factory = new AccumulatingFactory();
    const p = factory.buildProtocol(addr);
    assert.ok(p instanceof AccumulatingProtocol);
    assert.equal(p?.factory, factory);
  });

  it("fires protocolConnectionMade with the first protocol that connects, then clears it", () => {
    const factory = new AccumulatingFactory();
    const made = new Deferred<AccumulatingProtocol>();
    factory.protocolConnectionMade = made;
    const first = factory.buildProtocol(addr) as AccumulatingProtocol;
    const second = factory.buildProtocol(addr) as AccumulatingProtocol;
    first.makeConnection(new StringTransport());
    assert.equal(successResultOf(made), first);
    assert.equal(factory.protocolConnectionMade, null);
    second.makeConnection(new StringTransport());
    assert.equal(second.made, true);
  });
});
