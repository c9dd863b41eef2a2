import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Failure } from "@torsion/defer";
import { ClientFactory, ConnectionDone, ConnectionRefusedError, Factory, IPv4Address, Protocol, type IConnector } from "@torsion/core";
import { ConnectionCompleter, MemoryReactor } from "@torsion/testing";

class Client extends Protocol {}

class RecordingClientFactory extends ClientFactory<Client> {
  readonly events: string[] = [];
  override protocol = Client;
  override startedConnecting(connector: IConnector): void {
    this.events.push(`started ${connector.state}`);
  }
  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    this.events.push(`failed ${reason.value.name}`);
  }
  override clientConnectionLost(_connector: IConnector, reason: Failure): void {
    this.events.push(`lost ${reason.value.name}`);
  }
}

describe("ClientFactory", () => {
  it("is a Factory whose hooks do nothing by default", () => {
    const factory = new ClientFactory<Client>();
    factory.protocol = Client;
    assert.ok(factory instanceof Factory);
    const reactor = new MemoryReactor();
    const connector = reactor.connectTCP("127.0.0.1", 1, factory);
    factory.clientConnectionFailed(connector, new Failure(new ConnectionRefusedError()));
    factory.clientConnectionLost(connector, new Failure(new ConnectionDone()));
    assert.equal(connector.state, "connecting");
  });

  it("gets startedConnecting when a connection attempt starts", () => {
    const factory = new RecordingClientFactory();
    new MemoryReactor().connectTCP("127.0.0.1", 1, factory);
    assert.deepEqual(factory.events, ["started connecting"]);
  });

  it("gets clientConnectionFailed with the reason of a failed attempt", () => {
    const factory = new RecordingClientFactory();
    const reactor = new MemoryReactor();
    reactor.connectTCP("127.0.0.1", 1, factory);
    new ConnectionCompleter(reactor).failOnce();
    assert.deepEqual(factory.events, ["started connecting", "failed ConnectionRefusedError"]);
  });

  it("builds a protocol that knows its factory when the attempt succeeds", () => {
    const factory = new RecordingClientFactory();
    const reactor = new MemoryReactor();
    reactor.connectTCP("127.0.0.1", 1, factory);
    const protocol = new ConnectionCompleter(reactor).succeedOnce();
    assert.ok(protocol instanceof Client);
    assert.equal(protocol.factory, factory);
    assert.equal(protocol.connected, true);
  });
});

describe("ClientFactory.forProtocol", () => {
  it("returns a ClientFactory typed as a factory of the given protocol", () => {
    class Greeter extends Protocol {
      readonly greeting = "hello";
    }
    // Both assignments are compile-time checks: the client hooks and the protocol type survive.
    const factory: ClientFactory<Greeter> = ClientFactory.forProtocol(Greeter);
    const built: Greeter | null = factory.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 1));
    assert.ok(factory instanceof ClientFactory);
    assert.equal(typeof factory.startedConnecting, "function");
    assert.ok(built instanceof Greeter);
    assert.equal(built.greeting, "hello");
  });
});
