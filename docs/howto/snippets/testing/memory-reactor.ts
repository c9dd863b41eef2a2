// snippet: testing/memory-reactor.ts
// Code that calls listenTCP/connectTCP, tested with a MemoryReactor: it records the calls
// instead of opening sockets, and the test builds and drives the protocols itself.
import assert from "node:assert/strict";
import { Protocol, Factory, IPv4Address, type IReactorTCP } from "torsion";
import { MemoryReactor, StringTransport } from "torsion/testing";

class Hello extends Protocol {
  override connectionMade(): void {
    this.transport.write(Buffer.from("hello\n"));
  }
}

/** The code under test: it takes the reactor as an argument, never a global one. */
function startServer(reactor: IReactorTCP, port: number): void {
  reactor.listenTCP(port, Factory.forProtocol(Hello), { interface: "127.0.0.1" });
}

const reactor = new MemoryReactor();
startServer(reactor, 8080);
const [server] = reactor.tcpServers;
assert.ok(server !== undefined);
assert.equal(server.port, 8080);
assert.equal(server.interface, "127.0.0.1");

const protocol = server.factory.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 5555))!;
const transport = new StringTransport();
protocol.makeConnection(transport);
assert.equal(transport.value().toString(), "hello\n");
console.log(`memory reactor: ok, ${reactor.tcpServers.length} server recorded`);
