import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConnectionDone,
  ConnectionRefusedError,
  IPv4Address,
  type IProtocol,
  type IProtocolFactoryOf,
  type IPushProducer,
} from "@torsion/core";
import { Deferred, Failure } from "@torsion/defer";
import { ProxyFactory, type ProxyServer } from "@torsion/protocols";
import { StringTransport } from "@torsion/testing";

/** A client endpoint whose connection the test completes (or refuses) by hand. */
class ManualEndpoint {
  readonly attempts: { factory: IProtocolFactoryOf<IProtocol>; result: Deferred<IProtocol> }[] = [];
  cancelled = 0;
  connect<P extends IProtocol>(factory: IProtocolFactoryOf<P>): Deferred<P> {
    const result = new Deferred<IProtocol>(() => this.cancelled++);
    this.attempts.push({ factory, result });
    return result as Deferred<P>;
  }
  complete(): { protocol: IProtocol; transport: StringTransport } {
    const { factory, result } = this.attempts[0]!;
    const protocol = factory.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 2))!;
    const transport = new StringTransport();
    protocol.makeConnection(transport);
    result.callback(protocol);
    return { protocol, transport };
  }
}

function accepted(): { endpoint: ManualEndpoint; server: ProxyServer; transport: StringTransport } {
  const endpoint = new ManualEndpoint();
  const server = new ProxyFactory(endpoint).buildProtocol(new IPv4Address("TCP", "127.0.0.1", 1))!;
  const transport = new StringTransport();
  server.makeConnection(transport);
  return { endpoint, server, transport };
}

describe("the port forwarder (ProxyFactory)", () => {
  it("stops reading the accepted connection until the destination is connected, then relays what came meanwhile", () => {
    const { endpoint, server, transport } = accepted();
    assert.equal(transport.producerState, "paused");
    assert.equal(endpoint.attempts.length, 1);
    server.dataReceived(Buffer.from("early "));
    const dest = endpoint.complete();
    assert.equal(transport.producerState, "producing");
    server.dataReceived(Buffer.from("later"));
    assert.equal(dest.transport.value().toString(), "early later");
    dest.protocol.dataReceived(Buffer.from("reply"));
    assert.equal(transport.value().toString(), "reply");
  });

  it("registers each side as the other's streaming producer, so a full send buffer pauses the other side's reading", () => {
    const { endpoint, transport } = accepted();
    const dest = endpoint.complete();
    assert.equal(transport.streaming, true);
    assert.equal(dest.transport.streaming, true);
    (dest.transport.producer as IPushProducer).pauseProducing();
    assert.equal(transport.producerState, "paused", "the destination's full buffer stops reading from the client");
    (dest.transport.producer as IPushProducer).resumeProducing();
    assert.equal(transport.producerState, "producing");
    (transport.producer as IPushProducer).pauseProducing();
    assert.equal(dest.transport.producerState, "paused", "the client's full buffer stops reading from the destination");
  });

  it("passes a half-close on as loseWriteConnection, even one that came before the destination connected", () => {
    const { endpoint, server } = accepted();
    server.readConnectionLost();
    const dest = endpoint.complete();
    assert.equal(dest.transport.writeDisconnecting, true);
    assert.equal(dest.transport.disconnecting, false, "the other direction stays open");
  });

  it("closes the other side (after unregistering its producer) when one side is lost", () => {
    const { endpoint, server, transport } = accepted();
    const dest = endpoint.complete();
    server.connectionLost(new Failure(new ConnectionDone()));
    assert.equal(dest.transport.producer, null);
    assert.equal(dest.transport.disconnecting, true);
    assert.equal(transport.disconnecting, false);
  });

  it("closes the accepted connection when the destination cannot be reached", () => {
    const { endpoint, transport } = accepted();
    endpoint.attempts[0]!.result.errback(new ConnectionRefusedError());
    assert.equal(transport.disconnecting, true);
  });

  it("cancels the pending connection attempt when the client goes away first", () => {
    const { endpoint, server } = accepted();
    server.connectionLost(new Failure(new ConnectionDone()));
    assert.equal(endpoint.cancelled, 1);
  });
});
