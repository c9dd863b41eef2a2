import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPv4Address, IPv6Address, UNIXAddress, ipAddress } from "@torsion/core";

describe("IPv4Address", () => {
  it("equals another IPv4Address with the same type, host and port", () => {
    const a = new IPv4Address("TCP", "127.0.0.1", 8080);
    assert.equal(a.equals(new IPv4Address("TCP", "127.0.0.1", 8080)), true);
  });

  it("differs when the type, host or port differs", () => {
    const a = new IPv4Address("TCP", "127.0.0.1", 8080);
    assert.equal(a.equals(new IPv4Address("UDP", "127.0.0.1", 8080)), false);
    assert.equal(a.equals(new IPv4Address("TCP", "127.0.0.2", 8080)), false);
    assert.equal(a.equals(new IPv4Address("TCP", "127.0.0.1", 8081)), false);
  });

  it("does not equal an IPv6Address or a plain object with the same fields", () => {
    const a = new IPv4Address("TCP", "127.0.0.1", 1);
    assert.equal(a.equals(new IPv6Address("TCP", "127.0.0.1", 1)), false);
    assert.equal(a.equals({ type: "TCP", host: "127.0.0.1", port: 1 }), false);
    assert.equal(a.equals(null), false);
  });

  it("is frozen, so its fields cannot be changed", () => {
    const a = new IPv4Address("TCP", "127.0.0.1", 1);
    assert.ok(Object.isFrozen(a));
    assert.throws(() => {
      (a as { port: number }).port = 2;
    }, TypeError);
    assert.equal(a.port, 1);
  });

  it("prints like Twisted's repr", () => {
    assert.equal(String(new IPv4Address("UDP", "127.0.0.1", 53)), "IPv4Address(type='UDP', host='127.0.0.1', port=53)");
  });

  it("rejects a type other than TCP or UDP with a TypeError", () => {
    assert.throws(() => new IPv4Address("SCTP" as "TCP", "127.0.0.1", 1), TypeError);
  });
});

describe("IPv6Address", () => {
  it("defaults flowInfo and scopeID to 0 and compares all five fields", () => {
    const a = new IPv6Address("TCP", "::1", 80);
    assert.equal(a.flowInfo, 0);
    assert.equal(a.scopeID, 0);
    assert.equal(a.equals(new IPv6Address("TCP", "::1", 80, 0, 0)), true);
    assert.equal(a.equals(new IPv6Address("TCP", "::1", 80, 1, 0)), false);
    assert.equal(a.equals(new IPv6Address("TCP", "::1", 80, 0, "eth0")), false);
  });

  it("is frozen and prints every field", () => {
    const a = new IPv6Address("UDP", "::1", 5353, 2, 3);
    assert.ok(Object.isFrozen(a));
    assert.equal(a.toString(), "IPv6Address(type='UDP', host='::1', port=5353, flowInfo=2, scopeID=3)");
  });
});

describe("UNIXAddress", () => {
  it("compares by name, including the unnamed (null) address", () => {
    assert.equal(new UNIXAddress("/tmp/s").equals(new UNIXAddress("/tmp/s")), true);
    assert.equal(new UNIXAddress("/tmp/s").equals(new UNIXAddress("/tmp/t")), false);
    assert.equal(new UNIXAddress(null).equals(new UNIXAddress(null)), true);
    assert.equal(new UNIXAddress(null).equals(new UNIXAddress("/tmp/s")), false);
  });

  it("is frozen and prints None for an unnamed end", () => {
    assert.ok(Object.isFrozen(new UNIXAddress("/x")));
    assert.equal(new UNIXAddress(null).toString(), "UNIXAddress(None)");
    assert.equal(new UNIXAddress("/tmp/s").toString(), 'UNIXAddress("/tmp/s")');
  });
});

describe("ipAddress", () => {
  it("builds an IPv4Address for a dotted host", () => {
    const a = ipAddress("TCP", "127.0.0.1", 9);
    assert.ok(a instanceof IPv4Address);
    assert.ok(a.equals(new IPv4Address("TCP", "127.0.0.1", 9)));
  });

  it("builds an IPv6Address for a host containing a colon", () => {
    const a = ipAddress("UDP", "::1", 9);
    assert.ok(a instanceof IPv6Address);
    assert.ok(a.equals(new IPv6Address("UDP", "::1", 9)));
  });
});
