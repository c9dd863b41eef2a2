import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DatagramProtocol, IPv4Address, NotConnectedError, type IAddress } from "@torsion/core";
import { FakeDatagramTransport } from "@torsion/testing";

class Counting extends DatagramProtocol {
  starts = 0;
  stops = 0;
  readonly received: [string, string][] = [];
  override startProtocol(): void {
    this.starts++;
  }
  override stopProtocol(): void {
    this.stops++;
  }
  override datagramReceived(data: Buffer, addr: IAddress): void {
    this.received.push([data.toString(), String(addr)]);
  }
}

const port = (n: number): FakeDatagramTransport => new FakeDatagramTransport({ host: new IPv4Address("UDP", "127.0.0.1", n) });

describe("DatagramProtocol", () => {
  it("sets transport and calls startProtocol when the first port connects", () => {
    const protocol = new Counting();
    const transport = port(1);
    protocol.makeConnection(transport);
    assert.equal(protocol.transport, transport);
    assert.equal(protocol.starts, 1);
    assert.equal(protocol.numPorts, 1);
  });

  it("calls startProtocol once however many ports share it, and stopProtocol after the last", () => {
    const protocol = new Counting();
    protocol.makeConnection(port(1));
    protocol.makeConnection(port(2));
    assert.equal(protocol.starts, 1);
    assert.equal(protocol.numPorts, 2);
    protocol.doStop();
    assert.equal(protocol.stops, 0);
    assert.notEqual(protocol.transportOrNull, null);
    protocol.doStop();
    assert.equal(protocol.stops, 1);
    assert.equal(protocol.numPorts, 0);
    assert.equal(protocol.transportOrNull, null);
    assert.throws(
      () => protocol.transport,
      (error: unknown) =>
        error instanceof NotConnectedError && error.message.includes("Counting.transport was used while no port is attached"),
    );
  });

  it("ignores extra doStop calls", () => {
    const protocol = new Counting();
    protocol.doStop();
    assert.equal(protocol.stops, 0);
    assert.equal(protocol.numPorts, 0);
  });

  it("starts again after a full stop", () => {
    const protocol = new Counting();
    protocol.makeConnection(port(1));
    protocol.doStop();
    protocol.makeConnection(port(2));
    assert.equal(protocol.starts, 2);
    assert.equal(protocol.numPorts, 1);
  });

  it("is stopped by its fake port's stopListening", () => {
    const protocol = new Counting();
    const transport = new FakeDatagramTransport({ host: new IPv4Address("UDP", "127.0.0.1", 3), protocol });
    protocol.makeConnection(transport);
    transport.stopListening();
    assert.equal(protocol.stops, 1);
  });

  it("hands datagrams with their address to datagramReceived", () => {
    const protocol = new Counting();
    protocol.makeConnection(port(1));
    protocol.datagramReceived(Buffer.from("ping"), new IPv4Address("UDP", "127.0.0.1", 9));
    assert.deepEqual(protocol.received, [["ping", "IPv4Address(type='UDP', host='127.0.0.1', port=9)"]]);
  });

  it("discards datagrams and refusals by default without throwing", () => {
    const protocol = new DatagramProtocol();
    protocol.datagramReceived(Buffer.from("x"), new IPv4Address("UDP", "127.0.0.1", 9));
    protocol.connectionRefused();
    assert.equal(protocol.numPorts, 0);
  });
});
