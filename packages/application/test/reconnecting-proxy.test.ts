import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionDone, Factory, IPv4Address, Protocol, isHalfCloseable } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { StringTransport } from "@torsion/testing";
import { ClientService } from "@torsion/application";
import { Clock } from "@torsion/testing";
import { ScriptedClientEndpoint } from "./helpers.js";

class HalfClose extends Protocol {
  events: string[] = [];
  override dataReceived(data: Buffer): void {
    this.events.push(`data ${data.toString()} ${String(this instanceof HalfClose)}`);
  }
  readConnectionLost(): void {
    this.events.push("read lost");
  }
  writeConnectionLost(): void {
    this.events.push("write lost");
  }
  override connectionLost(reason: Failure): void {
    this.events.push("lost");
    super.connectionLost(reason);
    throw new Error("connectionLost threw");
  }
}

describe("the protocol proxy ClientService connects with", () => {
  it("forwards every method to the protocol, optional ones included, and still notices a throwing connectionLost", () => {
    const clock = new Clock();
    const endpoint = new ScriptedClientEndpoint();
    const service = new ClientService<HalfClose>(endpoint, Factory.forProtocol(HalfClose), { clock, retryPolicy: () => 5 });
    service.startService();
    const attempt = endpoint.attempts[0]!;
    const proxy = attempt.factory.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 9))!;
    assert.ok(isHalfCloseable(proxy), "half-close support is visible through the proxy");
    const transport = new StringTransport();
    proxy.makeConnection(transport);
    attempt.deferred.callback(proxy);
    proxy.dataReceived(Buffer.from("hi"));
    (proxy as unknown as HalfClose).readConnectionLost();
    assert.throws(() => proxy.connectionLost(new Failure(new ConnectionDone())), /connectionLost threw/);
    const inner = service.state === "waiting" ? (proxy as unknown as HalfClose) : null;
    assert.ok(inner !== null, "the service saw the loss although connectionLost threw");
    assert.deepEqual(inner.events, ["data hi true", "read lost", "lost"]);
    clock.advance(5);
    assert.equal(endpoint.attempts.length, 2);
  });
});
