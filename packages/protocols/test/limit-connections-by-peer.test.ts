import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionDone, Factory, IPv4Address, IPv6Address, UNIXAddress } from "@torsion/core";
import type { IAddress, IProtocol } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { AccumulatingProtocol, StringTransport } from "@torsion/testing";
import { InvalidPolicyOptionError, LimitConnectionsByPeer } from "@torsion/protocols";
import { peerHostKey } from "@torsion/protocols/internal";
import type { ProtocolWrapper } from "@torsion/protocols";

function open(factory: LimitConnectionsByPeer, peer: IAddress): ProtocolWrapper | null {
  const wrapper = factory.buildProtocol(peer);
  wrapper?.makeConnection(new StringTransport({ peerAddress: peer }));
  return wrapper;
}

describe("LimitConnectionsByPeer", () => {
  it("allows five connections per peer host by default, whatever their ports", () => {
    const factory = new LimitConnectionsByPeer(Factory.forProtocol(AccumulatingProtocol));
    assert.equal(factory.maxConnectionsPerPeer, 5);
    for (let port = 1000; port < 1005; port++) {
      assert.notEqual(open(factory, new IPv4Address("TCP", "127.0.0.1", port)), null);
    }
    assert.equal(open(factory, new IPv4Address("TCP", "127.0.0.1", 2000)), null);
    assert.equal(factory.peerConnections.get("127.0.0.1"), 5);
  });

  it("counts each peer host separately", () => {
    const factory = new LimitConnectionsByPeer(Factory.forProtocol(AccumulatingProtocol), { maxConnectionsPerPeer: 1 });
    assert.notEqual(open(factory, new IPv4Address("TCP", "127.0.0.1", 1)), null);
    assert.notEqual(open(factory, new IPv6Address("TCP", "::1", 1)), null);
    assert.equal(open(factory, new IPv6Address("TCP", "::1", 2)), null);
    assert.equal(open(factory, new IPv4Address("TCP", "127.0.0.1", 2)), null);
  });

  it("frees the peer's slot when a connection is lost, and forgets peers with none left", () => {
    const factory = new LimitConnectionsByPeer(Factory.forProtocol(AccumulatingProtocol), { maxConnectionsPerPeer: 1 });
    const peer = new IPv4Address("TCP", "127.0.0.1", 1);
    const first = open(factory, peer);
    assert.equal(open(factory, peer), null);
    first?.connectionLost(new Failure(new ConnectionDone()));
    assert.equal(factory.peerConnections.has("127.0.0.1"), false);
    assert.notEqual(open(factory, peer), null);
  });

  it("does not count a connection the wrapped factory refused", () => {
    const refusing = { buildProtocol: (addr: IAddress): IProtocol | null => null, doStart() {}, doStop() {} };
    const factory = new LimitConnectionsByPeer(refusing, { maxConnectionsPerPeer: 1 });
    assert.equal(factory.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 1)), null);
    assert.equal(factory.peerConnections.size, 0);
  });

  it("uses an injected peer key", () => {
    const factory = new LimitConnectionsByPeer(Factory.forProtocol(AccumulatingProtocol), {
      maxConnectionsPerPeer: 1,
      peerKey: () => "everyone",
    });
    assert.notEqual(open(factory, new IPv4Address("TCP", "127.0.0.1", 1)), null);
    assert.equal(open(factory, new IPv6Address("TCP", "::1", 1)), null);
  });

  it("keys IP peers by host and Unix peers by path", () => {
    assert.equal(peerHostKey(new IPv4Address("TCP", "127.0.0.1", 80)), "127.0.0.1");
    assert.equal(peerHostKey(new IPv6Address("TCP", "::1", 80)), "::1");
    assert.equal(peerHostKey(new UNIXAddress("/tmp/s")), "unix:/tmp/s");
    assert.equal(peerHostKey(new UNIXAddress(null)), "unix:");
  });

  it("rejects a negative limit", () => {
    assert.throws(
      () => new LimitConnectionsByPeer(Factory.forProtocol(AccumulatingProtocol), { maxConnectionsPerPeer: -1 }),
      InvalidPolicyOptionError,
    );
  });
});
