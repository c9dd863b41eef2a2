import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Factory, IPv4Address, Protocol, type IAddress } from "@torsion/core";
import { FakeTransport, connectedServerAndClient } from "@torsion/testing";

class Greeter extends Protocol {
  override connectionMade(): void {
    this.transport?.write(Buffer.from("hello"));
  }
}

class Listener extends Protocol {
  received = "";
  override dataReceived(data: Buffer): void {
    this.received += data.toString();
  }
}

describe("connectedServerAndClient", () => {
  it("builds both protocols with their factories and connects them to FakeTransports", () => {
    const serverFactory = Factory.forProtocol(Listener);
    const clientFactory = Factory.forProtocol(Listener);
    const { client, server, pump } = connectedServerAndClient(serverFactory, clientFactory);
    assert.equal(server.factory, serverFactory);
    assert.equal(client.factory, clientFactory);
    assert.ok(server.transport instanceof FakeTransport);
    assert.ok(client.transport instanceof FakeTransport);
    assert.equal(pump.server, server);
    assert.equal(pump.client, client);
  });

  it("uses loopback addresses that mirror each other", () => {
    const { client, server } = connectedServerAndClient(Factory.forProtocol(Listener), Factory.forProtocol(Listener));
    const s = server.transport as FakeTransport;
    const c = client.transport as FakeTransport;
    assert.equal((s.getHost() as IPv4Address).host, "127.0.0.1");
    assert.equal((c.getHost() as IPv4Address).host, "127.0.0.1");
    assert.ok(s.getHost().equals(c.getPeer()));
    assert.ok(s.getPeer().equals(c.getHost()));
  });

  it("gives the factories the peer's address", () => {
    const asked: IAddress[] = [];
    class Asking extends Factory<Listener> {
      override buildProtocol(addr: IAddress): Listener | null {
        asked.push(addr);
        return super.buildProtocol(addr);
      }
    }
    const { client, server } = connectedServerAndClient(Asking.forProtocol(Listener), Asking.forProtocol(Listener));
    assert.ok(asked[0]?.equals(server.transport?.getPeer()));
    assert.ok(asked[1]?.equals(client.transport?.getPeer()));
  });

  it("delivers greetings at once when greet is on (the default)", () => {
    const { client } = connectedServerAndClient(Factory.forProtocol(Greeter), Factory.forProtocol(Listener));
    assert.equal(client.received, "hello");
  });

  it("holds greetings until the first pump when greet is off", () => {
    const { client, pump } = connectedServerAndClient(Factory.forProtocol(Greeter), Factory.forProtocol(Listener), { greet: false });
    assert.equal(client.received, "");
    pump.flush();
    assert.equal(client.received, "hello");
  });

  it("throws TypeError when a factory refuses to build a protocol", () => {
    const refusing = { buildProtocol: (): null => null };
    assert.throws(() => connectedServerAndClient(refusing, Factory.forProtocol(Listener)), TypeError);
  });
});
