import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPv4Address, IPv6Address, InvalidAddressError } from "@torsion/core";
import { BROADCAST_HOST } from "@torsion/udp";
import { bindTarget, checkHost, ipLiteralLookup, splitAddress } from "@torsion/udp/internal";

describe("bindTarget", () => {
  it("binds every IPv4 address for an empty interface, as Twisted does", () => {
    assert.deepEqual(bindTarget(""), { family: "udp4", address: "0.0.0.0" });
  });

  it("picks the socket family from the interface literal", () => {
    assert.deepEqual(bindTarget("127.0.0.1"), { family: "udp4", address: "127.0.0.1" });
    assert.deepEqual(bindTarget("::1"), { family: "udp6", address: "::1" });
  });

  it("refuses host names with InvalidAddressError", () => {
    assert.throws(() => bindTarget("localhost"), InvalidAddressError);
  });
});

describe("checkHost", () => {
  it("accepts literals of the socket's family and maps <broadcast> for IPv4", () => {
    assert.equal(checkHost("127.0.0.1", "udp4"), "127.0.0.1");
    assert.equal(checkHost("::1", "udp6"), "::1");
    assert.equal(checkHost(BROADCAST_HOST, "udp4"), "255.255.255.255");
  });

  it("refuses host names, other families and non-strings", () => {
    assert.throws(() => checkHost("localhost", "udp4"), InvalidAddressError);
    assert.throws(() => checkHost("::1", "udp4"), InvalidAddressError);
    assert.throws(() => checkHost("127.0.0.1", "udp6"), InvalidAddressError);
    assert.throws(() => checkHost(BROADCAST_HOST, "udp6"), InvalidAddressError);
    assert.throws(() => checkHost(7, "udp4"), InvalidAddressError);
  });
});

describe("splitAddress", () => {
  it("reads address objects and [host, port] pairs", () => {
    assert.deepEqual(splitAddress(new IPv4Address("UDP", "127.0.0.1", 9)), ["127.0.0.1", 9]);
    assert.deepEqual(splitAddress(new IPv6Address("UDP", "::1", 10)), ["::1", 10]);
    assert.deepEqual(splitAddress(["127.0.0.1", 11]), ["127.0.0.1", 11]);
  });

  it("throws TypeError for other shapes", () => {
    assert.throws(() => splitAddress({ host: "127.0.0.1", port: 9 } as never), TypeError);
    assert.throws(() => splitAddress(["127.0.0.1"] as never), TypeError);
  });
});

describe("ipLiteralLookup", () => {
  it("answers synchronously for IP literals", () => {
    const answers: unknown[][] = [];
    ipLiteralLookup("::1", 6, (error, address, family) => answers.push([error, address, family]));
    ipLiteralLookup("127.0.0.1", 4, (error, address, family) => answers.push([error, address, family]));
    assert.deepEqual(answers, [
      [null, "::1", 6],
      [null, "127.0.0.1", 4],
    ]);
  });

  it("fails synchronously for host names instead of resolving them", () => {
    let failure: unknown = null;
    ipLiteralLookup("localhost", 4, (error) => (failure = error));
    assert.ok(failure instanceof InvalidAddressError);
  });
});
