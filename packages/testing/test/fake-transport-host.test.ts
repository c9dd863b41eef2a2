import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IShutdownResource, ResourceKind } from "@torsion/core";
import { Clock, FakeTransportHost } from "@torsion/testing";

function resource(kind: ResourceKind, log: string[], name: string): IShutdownResource {
  return {
    kind,
    shutdown(grace: number) {
      log.push(`${name} ${grace}`);
      return Promise.resolve();
    },
  };
}

describe("FakeTransportHost", () => {
  it("runs delayed calls on its clock only when advanced", () => {
    const host = new FakeTransportHost();
    const log: number[] = [];
    host.callLater(2, () => void log.push(host.seconds()));
    assert.equal(host.getDelayedCalls().length, 1);
    host.advance(1);
    assert.deepEqual(log, []);
    host.advance(1);
    assert.deepEqual(log, [2]);
    assert.equal(host.getDelayedCalls().length, 0);
  });

  it("shares a clock given to it", () => {
    const clock = new Clock();
    const host = new FakeTransportHost({ clock });
    clock.advance(5);
    assert.equal(host.seconds(), 5);
    assert.equal(host.clock, clock);
  });

  it("records reported errors in order and never throws", () => {
    const host = new FakeTransportHost();
    const boom = new Error("boom");
    host.reportError(boom, "dataReceived");
    host.reportError(Object.create(null), "connectionLost");
    assert.deepEqual(
      host.errors.map((e) => e.context),
      ["dataReceived", "connectionLost"],
    );
    assert.equal(host.errors[0]?.error, boom);
    assert.throws(
      () => host.assertNoErrors(),
      (error: unknown) => error instanceof AggregateError && error.message.includes("dataReceived: Error: boom"),
    );
    host.errors.length = 0;
    host.assertNoErrors();
  });

  it("keeps registered resources until they unregister, idempotently", () => {
    const host = new FakeTransportHost();
    const log: string[] = [];
    const port = resource("port", log, "port");
    const unregister = host.registerResource(port);
    assert.ok(host.resources.has(port));
    unregister();
    unregister();
    assert.equal(host.resources.size, 0);
    assert.equal(host.registrations, 1);
  });

  it("shuts ports down before connections, with the grace period given", async () => {
    const host = new FakeTransportHost();
    const log: string[] = [];
    host.registerResource(resource("connection", log, "connection"));
    host.registerResource(resource("port", log, "port"));
    await host.shutdownAll(3);
    assert.deepEqual(log, ["port 3", "connection 3"]);
  });

  it("dispose cancels the pending delayed calls", () => {
    const host = new FakeTransportHost();
    let ran = false;
    const call = host.callLater(1, () => {
      ran = true;
    });
    host.dispose();
    host.advance(2);
    assert.equal(ran, false);
    assert.equal(call.active(), false);
  });
});
