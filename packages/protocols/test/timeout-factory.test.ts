import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Factory } from "@torsion/core";
import { AccumulatingProtocol, Clock, connectedServerAndClient } from "@torsion/testing";
import { InvalidPolicyOptionError, TimeoutFactory, TimeoutProtocol } from "@torsion/protocols";

class Echo extends AccumulatingProtocol {
  override dataReceived(data: Buffer): void {
    super.dataReceived(data);
    this.transport?.write(data);
  }
}

function setUp(timeoutPeriod = 10): {
  clock: Clock;
  factory: TimeoutFactory;
  server: TimeoutProtocol;
  client: AccumulatingProtocol;
  flush: () => void;
} {
  const clock = new Clock();
  const factory = new TimeoutFactory(Factory.forProtocol(Echo), clock, { timeoutPeriod });
  const { server, client, pump } = connectedServerAndClient(factory, Factory.forProtocol(AccumulatingProtocol));
  assert.ok(server instanceof TimeoutProtocol);
  return { clock, factory, server, client, flush: () => void pump.flush() };
}

describe("TimeoutFactory", () => {
  it("defaults to Twisted's 30-minute idle timeout", () => {
    assert.equal(new TimeoutFactory(Factory.forProtocol(Echo), new Clock()).timeoutPeriod, 1800);
  });

  it("closes a connection that stays idle for the timeout period", () => {
    const { clock, server, client, flush } = setUp();
    clock.advance(9.5);
    flush();
    assert.equal(client.closed, false);
    clock.advance(0.5);
    flush();
    assert.equal(client.closed, true);
    assert.equal((server.wrappedProtocol as Echo).closed, true);
  });

  it("restarts the countdown on traffic in either direction", () => {
    const { clock, client, server, flush } = setUp();
    for (let i = 0; i < 3; i++) {
      clock.advance(8);
      client.transport.write(Buffer.from("x"));
      flush();
    }
    clock.advance(8);
    server.write(Buffer.from("y"));
    clock.advance(8);
    flush();
    assert.equal(client.closed, false);
    assert.equal(client.data.toString(), "xxxy");
    clock.advance(2);
    flush();
    assert.equal(client.closed, true);
  });

  it("stops the timer when the connection is lost", () => {
    const { clock, client, flush } = setUp();
    client.transport.loseConnection();
    flush();
    assert.equal(clock.getDelayedCalls().length, 0);
  });

  it("lets a wrapper change or cancel its timeout", () => {
    const { clock, client, server, flush } = setUp();
    server.setTimeout(100);
    clock.advance(50);
    server.cancelTimeout();
    clock.advance(500);
    flush();
    assert.equal(client.closed, false);
  });

  it("rejects a negative period", () => {
    assert.throws(() => new TimeoutFactory(Factory.forProtocol(Echo), new Clock(), { timeoutPeriod: -1 }), InvalidPolicyOptionError);
  });
});
