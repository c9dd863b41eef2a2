import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectError, ConnectionDone, UserError, type IConnector, type IPv4Address } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import type { StreamPort } from "@torsion/stream";
import { connectTCP, listenTCP } from "@torsion/tcp";
import { Echo, OrderFactory, Recorder, RecordingFactory, waitFor } from "./helpers.js";
import { FakeTransportHost } from "@torsion/testing";

const host = new FakeTransportHost();
const port: StreamPort = listenTCP(host, 0, new RecordingFactory(Echo), { interface: "127.0.0.1" });
const number = (port.getHost() as IPv4Address).port;
after(async () => {
  await port.stopListening().asPromise();
  host.dispose();
});

describe("StreamConnector", () => {
  it("cancels the connect timeout once connected", async () => {
    const factory = new OrderFactory(Recorder);
    const connector = connectTCP(host, "127.0.0.1", number, factory, { timeout: 0.05 });
    await waitFor(() => connector.state === "connected");
    assert.equal(host.getDelayedCalls().length, 0, "the timeout was cancelled");
    host.advance(1);
    assert.equal(factory.failure, null);
    assert.equal(connector.state, "connected");
    connector.disconnect();
    await waitFor(() => connector.state === "disconnected");
  });

  it("keeps the factory started when clientConnectionFailed reconnects", async () => {
    class Retrying extends OrderFactory {
      attempts = 0;
      override clientConnectionFailed(connector: IConnector, reason: Failure): void {
        super.clientConnectionFailed(connector, reason);
        this.attempts++;
        if (this.attempts < 3) connector.connect();
      }
    }
    const factory = new Retrying(Recorder);
    const connector = connectTCP(host, "stuck.test", 80, factory, { lookup: () => {}, timeout: 0.01 });
    for (let i = 0; i < 3; i++) host.advance(0.01);
    assert.equal(factory.attempts, 3);
    assert.equal(connector.state, "disconnected");
    assert.deepEqual(
      factory.log.filter((e) => e === "doStart" || e === "doStop"),
      ["doStart", "doStop"],
    );
    assert.equal(factory.log.filter((e) => e === "startedConnecting").length, 3);
  });

  it("is registered with the host while connecting; shutdown stops the attempt", () => {
    const factory = new OrderFactory(Recorder);
    const connector = connectTCP(host, "stuck.test", 80, factory, { lookup: () => {} });
    assert.ok(host.resources.has(connector));
    void (connector as unknown as { shutdown(g: number): PromiseLike<void> }).shutdown(1);
    assert.ok(factory.failure?.value instanceof UserError);
    assert.ok(!host.resources.has(connector));
  });

  it("closes the made connection when the client buildProtocol returns null: clientConnectionLost with ConnectionDone, as Twisted", async () => {
    class Refusing extends OrderFactory {
      override buildProtocol(): null {
        this.log.push("buildProtocol");
        return null;
      }
    }
    const factory = new Refusing(Recorder);
    const connector = connectTCP(host, "127.0.0.1", number, factory);
    await waitFor(() => factory.log.includes("doStop"));
    assert.equal(factory.failure, null);
    assert.ok(factory.lost?.value instanceof ConnectionDone, `lost with ${String(factory.lost)}`);
    assert.deepEqual(factory.log, ["doStart", "startedConnecting", "buildProtocol", "clientConnectionLost", "doStop"]);
    assert.equal(connector.state, "disconnected");
  });

  it("fails the attempt with ConnectError (caused by the error) when the client buildProtocol throws, and reports it", async () => {
    const before = host.errors.length;
    const bug = new Error("client factory bug");
    class Throwing extends OrderFactory {
      override buildProtocol(): null {
        this.log.push("buildProtocol");
        throw bug;
      }
    }
    const factory = new Throwing(Recorder);
    connectTCP(host, "127.0.0.1", number, factory);
    await waitFor(() => factory.failure !== null);
    assert.ok(factory.failure?.value instanceof ConnectError);
    assert.equal(factory.failure?.value.cause, bug);
    assert.deepEqual(factory.log, ["doStart", "startedConnecting", "buildProtocol", "clientConnectionFailed", "doStop"]);
    assert.deepEqual(
      host.errors.slice(before).map((e) => e.error),
      [bug],
    );
    host.errors.length = before;
  });
});
