import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AlreadyConnectedError, DatagramProtocol, IPv4Address, MessageLengthError, NotListeningError } from "@torsion/core";
import { FakeDatagramTransport, successResultOf } from "@torsion/testing";

const host = new IPv4Address("UDP", "127.0.0.1", 5000);

describe("FakeDatagramTransport", () => {
  it("records each datagram with its address, in order", () => {
    const t = new FakeDatagramTransport({ host });
    const to = new IPv4Address("UDP", "127.0.0.1", 9);
    t.write(Buffer.from("one"), to);
    t.write(Buffer.from("two"), ["127.0.0.1", 10]);
    t.write(Buffer.from("three"));
    assert.deepEqual(
      t.written.map(([d, a]) => [d.toString(), a === undefined ? undefined : String(a)]),
      [
        ["one", String(to)],
        ["two", "127.0.0.1,10"],
        ["three", undefined],
      ],
    );
  });

  it("records a copy of the datagram", () => {
    const t = new FakeDatagramTransport({ host });
    const data = Buffer.from("abc");
    t.write(data);
    data[0] = 0x7a;
    assert.equal(t.written[0]?.[0].toString(), "abc");
  });

  it("rejects non-bytes with TypeError", () => {
    const t = new FakeDatagramTransport({ host });
    assert.throws(() => t.write("x" as unknown as Uint8Array), TypeError);
    assert.equal(t.written.length, 0);
  });

  it("throws MessageLengthError above maxPacketSize and records nothing", () => {
    const t = new FakeDatagramTransport({ host, maxPacketSize: 4 });
    t.write(Buffer.alloc(4));
    assert.throws(() => t.write(Buffer.alloc(5)), MessageLengthError);
    assert.equal(t.written.length, 1);
  });

  it("reports its host, records connect once, and the broadcast flag", () => {
    const t = new FakeDatagramTransport({ host });
    assert.equal(t.getHost(), host);
    t.connect("127.0.0.1", 7);
    assert.deepEqual(t.connectedAddress, ["127.0.0.1", 7]);
    assert.throws(() => t.connect("127.0.0.1", 8), AlreadyConnectedError);
    assert.equal(t.getBroadcastAllowed(), false);
    t.setBroadcastAllowed(true);
    assert.equal(t.getBroadcastAllowed(), true);
  });

  it("throws NotListeningError for connect after stopListening, as the real UDP port", () => {
    const t = new FakeDatagramTransport({ host });
    t.stopListening();
    assert.throws(() => t.connect("127.0.0.1", 7), NotListeningError);
    assert.equal(t.connectedAddress, null);
  });

  it("stopListening stops the protocol once and ignores later writes", () => {
    let stops = 0;
    const protocol = new (class extends DatagramProtocol {
      override stopProtocol(): void {
        stops++;
      }
    })();
    const t = new FakeDatagramTransport({ host, protocol });
    protocol.makeConnection(t);
    successResultOf(t.stopListening());
    successResultOf(t.stopListening());
    assert.equal(stops, 1);
    t.write(Buffer.from("late"));
    assert.equal(t.written.length, 0);
  });
});
