import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPv4Address, IPv6Address } from "@torsion/core";
import { AddressCache } from "@torsion/udp/internal";

describe("AddressCache", () => {
  it("returns the same immutable 'UDP' address object for a repeated sender", () => {
    const cache = new AddressCache("udp4");
    const first = cache.get("127.0.0.1", 5000);
    cache.get("127.0.0.1", 5001);
    const again = cache.get("127.0.0.1", 5000);
    assert.ok(first instanceof IPv4Address);
    assert.equal(again, first);
    assert.ok(first.equals(new IPv4Address("UDP", "127.0.0.1", 5000)));
    assert.ok(Object.isFrozen(first));
  });

  it("tells different ports and hosts apart", () => {
    const cache = new AddressCache("udp4");
    const a = cache.get("127.0.0.1", 5000);
    const b = cache.get("127.0.0.1", 5001);
    const c = cache.get("127.0.0.2", 5000);
    assert.notEqual(a, b);
    assert.notEqual(a, c);
    assert.equal(b.port, 5001);
    assert.equal(c.host, "127.0.0.2");
  });

  it("builds IPv6Address objects for an IPv6 port", () => {
    const address = new AddressCache("udp6").get("::1", 53);
    assert.ok(address instanceof IPv6Address);
    assert.ok(address.equals(new IPv6Address("UDP", "::1", 53)));
  });

  it("never holds more than its capacity, a new sender replacing the one in its slot", () => {
    const cache = new AddressCache("udp4", { capacity: 4 });
    const one = cache.get("127.0.0.1", 1);
    const two = cache.get("127.0.0.1", 2);
    assert.equal(cache.get("127.0.0.1", 1), one);
    const five = cache.get("127.0.0.1", 5); // same slot as port 1 with 4 slots
    assert.equal(cache.get("127.0.0.1", 5), five);
    assert.notEqual(cache.get("127.0.0.1", 1), one, "port 1 was replaced by port 5 and is rebuilt");
    assert.equal(cache.get("127.0.0.1", 2), two, "other slots are untouched");
    for (let port = 10; port < 1000; port++) cache.get("127.0.0.1", port);
    assert.equal(cache.size, 4);
  });

  it("tells apart two hosts that share a port", () => {
    const cache = new AddressCache("udp4", { capacity: 4 });
    const a = cache.get("127.0.0.1", 9);
    const b = cache.get("127.0.0.2", 9);
    assert.equal(a.host, "127.0.0.1");
    assert.equal(b.host, "127.0.0.2");
    assert.equal(cache.get("127.0.0.2", 9), b);
  });

  it("forgets everything on clear", () => {
    const cache = new AddressCache("udp4");
    const before = cache.get("127.0.0.1", 7);
    cache.clear();
    assert.equal(cache.size, 0);
    assert.notEqual(cache.get("127.0.0.1", 7), before);
  });

  it("rejects a capacity that is not an integer in 1..65536", () => {
    assert.throws(() => new AddressCache("udp4", { capacity: 0 }), RangeError);
    assert.throws(() => new AddressCache("udp4", { capacity: 1.5 }), RangeError);
    assert.throws(() => new AddressCache("udp4", { capacity: 70000 }), RangeError);
  });
});
