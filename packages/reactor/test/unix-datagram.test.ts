import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DatagramProtocol, UnsupportedAddressFamily } from "@torsion/core";
import { makeReactor } from "./support.js";

describe("Unix datagram sockets", () => {
  it("refuses listenUNIXDatagram with UnsupportedAddressFamily, naming the path and the reason", (t) => {
    const { reactor } = makeReactor(t);
    assert.throws(
      () => reactor.listenUNIXDatagram("/tmp/x.sock", new DatagramProtocol()),
      (error: unknown) => {
        assert.ok(error instanceof UnsupportedAddressFamily);
        assert.equal(error.code, "ERR_UNSUPPORTED_ADDRESS_FAMILY");
        assert.match(error.message, /listenUNIXDatagram\("\/tmp\/x\.sock"\)/);
        assert.match(error.message, /cannot open AF_UNIX datagram sockets/);
        return true;
      },
    );
  });

  it("refuses connectUNIXDatagram with UnsupportedAddressFamily and registers nothing", (t) => {
    const { reactor } = makeReactor(t);
    assert.throws(
      () => reactor.connectUNIXDatagram("/tmp/y.sock", new DatagramProtocol(), { bindAddress: "/tmp/z.sock" }),
      (error: unknown) => error instanceof UnsupportedAddressFamily && error.message.includes("connectUNIXDatagram"),
    );
    assert.deepEqual(reactor.getDelayedCalls(), []);
  });
});
