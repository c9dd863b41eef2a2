import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ClientFactory, Factory, IPv4Address, Protocol, UNIXAddress } from "@torsion/core";
import {
  type FakeListeningPort,
  MemoryReactor,
  NoListeningPortError,
  NoPendingConnectionError,
  acceptConnection,
  connectPending,
} from "@torsion/testing";

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport?.write(data);
  }
}

class Greeter extends Protocol {
  received = "";
  override connectionMade(): void {
    this.transport?.write(Buffer.from("hello"));
  }
  override dataReceived(data: Buffer): void {
    this.received += data.toString();
  }
}

describe("connectPending", () => {
  it("connects the oldest pending connectTCP to the listenTCP with the same port, in memory", () => {
    const reactor = new MemoryReactor();
    reactor.listenTCP(8080, Factory.forProtocol(Echo), { interface: "127.0.0.1" });
    reactor.connectTCP("localhost", 8080, ClientFactory.forProtocol(Greeter));
    const { client, server, pump, connector } = connectPending(reactor);
    assert.ok(server instanceof Echo);
    assert.equal((client as Greeter).received, "hello", "greeted and echoed during the first flush");
    assert.equal(connector.state, "connected");
    (client as Greeter).transport?.write(Buffer.from(" again"));
    pump.flush();
    assert.equal((client as Greeter).received, "hello again");
  });

  it("gives each side the other's address", () => {
    const reactor = new MemoryReactor();
    reactor.listenTCP(0, Factory.forProtocol(Echo));
    const port = (reactor.ports[0]?.getHost() as IPv4Address).port;
    reactor.connectTCP("127.0.0.1", port, ClientFactory.forProtocol(Greeter));
    const { client, server } = connectPending(reactor);
    assert.ok((client as Greeter).transport?.getPeer().equals(new IPv4Address("TCP", "127.0.0.1", port)));
    assert.ok((server as Echo).transport?.getPeer().equals((client as Greeter).transport?.getHost()));
  });

  it("matches Unix connections by path", () => {
    const reactor = new MemoryReactor();
    reactor.listenUNIX("/run/a.sock", Factory.forProtocol(Echo));
    reactor.listenUNIX("/run/b.sock", Factory.forProtocol(Greeter));
    reactor.connectUNIX("/run/b.sock", ClientFactory.forProtocol(Greeter));
    const { server, client } = connectPending(reactor);
    assert.ok(server instanceof Greeter);
    assert.equal((client as Greeter).received, "hello");
    assert.ok((client as Greeter).transport?.getPeer().equals(new UNIXAddress("/run/b.sock")));
  });

  it("throws typed errors when nothing is pending or nothing listens there", () => {
    const reactor = new MemoryReactor();
    assert.throws(() => connectPending(reactor), NoPendingConnectionError);
    reactor.listenTCP(1, Factory.forProtocol(Echo)).stopListening();
    reactor.connectTCP("h", 1, ClientFactory.forProtocol(Greeter));
    assert.throws(() => connectPending(reactor), NoListeningPortError);
  });
});

describe("acceptConnection", () => {
  it("hands a listening fake port one connection on a StringTransport", () => {
    const reactor = new MemoryReactor();
    reactor.listenTCP(25, Factory.forProtocol(Greeter));
    const accepted = acceptConnection(reactor.ports[0] as FakeListeningPort);
    assert.ok(accepted !== null);
    assert.equal(accepted.transport.value().toString(), "hello");
  });

  it("returns null when the factory refuses", () => {
    const reactor = new MemoryReactor();
    reactor.listenTCP(25, { buildProtocol: () => null, doStart() {}, doStop() {} });
    assert.equal(acceptConnection(reactor.ports[0] as FakeListeningPort), null);
  });
});
