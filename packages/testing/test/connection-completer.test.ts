import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Failure } from "@torsion/defer";
import {
  ClientFactory,
  ConnectionRefusedError,
  DNSLookupError,
  IPv4Address,
  UNIXAddress,
  type IConnector,
  type IProtocol,
} from "@torsion/core";
import { AccumulatingProtocol, ConnectionCompleter, MemoryReactor, NoPendingConnectionError, StringTransport } from "@torsion/testing";

class Client extends ClientFactory<AccumulatingProtocol> {
  override protocol = AccumulatingProtocol;
  readonly failures: Failure[] = [];
  override clientConnectionFailed(_c: IConnector, reason: Failure): void {
    this.failures.push(reason);
  }
}

describe("ConnectionCompleter", () => {
  it("starts the factory for the attempt and stops it when failOnce fails it, as the real connectors (the old fake never did)", () => {
    const reactor = new MemoryReactor();
    const factory = new Client();
    reactor.connectTCP("127.0.0.1", 6000, factory);
    assert.equal(factory.numPorts, 1);
    new ConnectionCompleter(reactor).failOnce();
    assert.equal(factory.numPorts, 0);
    assert.equal(factory.failures.length, 1);
  });

  it("stops the factory when a completed connection is reported lost through the connector", () => {
    const reactor = new MemoryReactor();
    const factory = new Client();
    const connector = reactor.connectTCP("127.0.0.1", 6000, factory);
    new ConnectionCompleter(reactor).succeedOnce();
    assert.equal(factory.numPorts, 1);
    connector.connectionLost(new ConnectionRefusedError());
    assert.equal(connector.state, "disconnected");
    assert.equal(factory.numPorts, 0);
  });

  it("succeedOnce connects a protocol built by the factory to a StringTransport", () => {
    const reactor = new MemoryReactor();
    const factory = new Client();
    const connector = reactor.connectTCP("127.0.0.1", 6000, factory);
    const protocol = new ConnectionCompleter(reactor).succeedOnce() as AccumulatingProtocol;
    assert.ok(protocol instanceof AccumulatingProtocol);
    assert.equal(protocol.made, true);
    assert.equal(connector.state, "connected");
    const transport = protocol.transport as StringTransport;
    assert.ok(transport instanceof StringTransport);
    assert.ok(transport.getPeer().equals(new IPv4Address("TCP", "127.0.0.1", 6000)));
    assert.equal((transport.getHost() as IPv4Address).host, "127.0.0.1");
    protocol.transport?.write(Buffer.from("hello"));
    assert.equal(transport.value().toString(), "hello");
  });

  it("completes attempts one at a time, oldest first", () => {
    const reactor = new MemoryReactor();
    const first = new Client();
    const second = new Client();
    reactor.connectTCP("127.0.0.1", 1, first);
    reactor.connectUNIX("/tmp/s", second);
    const completer = new ConnectionCompleter(reactor);
    const a = completer.succeedOnce() as IProtocol & { factory: unknown };
    const b = completer.succeedOnce() as IProtocol & { factory: unknown; transport: StringTransport };
    assert.equal(a.factory, first);
    assert.equal(b.factory, second);
    assert.ok(b.transport.getPeer().equals(new UNIXAddress("/tmp/s")));
    assert.throws(() => completer.succeedOnce(), NoPendingConnectionError);
  });

  it("failOnce fails the oldest attempt with ConnectionRefusedError by default", () => {
    const reactor = new MemoryReactor();
    const factory = new Client();
    const connector = reactor.connectTCP("127.0.0.1", 1, factory);
    new ConnectionCompleter(reactor).failOnce();
    assert.equal(connector.state, "disconnected");
    assert.equal(factory.failures.length, 1);
    assert.ok(factory.failures[0]?.check(ConnectionRefusedError));
  });

  it("failOnce passes a given reason", () => {
    const reactor = new MemoryReactor();
    const factory = new Client();
    reactor.connectTCP("127.0.0.1", 1, factory);
    new ConnectionCompleter(reactor).failOnce(new DNSLookupError());
    assert.ok(factory.failures[0]?.check(DNSLookupError));
  });

  it("failOnce throws NoPendingConnectionError when nothing is pending", () => {
    assert.throws(() => new ConnectionCompleter(new MemoryReactor()).failOnce(), NoPendingConnectionError);
  });

  it("returns null and disconnects when the factory refuses the connection", () => {
    const reactor = new MemoryReactor();
    const factory = new (class extends Client {
      override buildProtocol(): null {
        return null;
      }
    })();
    const connector = reactor.connectTCP("127.0.0.1", 1, factory);
    assert.equal(new ConnectionCompleter(reactor).succeedOnce(), null);
    assert.equal(connector.state, "disconnected");
  });
});
