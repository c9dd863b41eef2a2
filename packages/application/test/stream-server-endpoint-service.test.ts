import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Factory, Protocol } from "@torsion/core";
import { BufferingObserver, formatEvent, globalLogPublisher } from "@torsion/logger";
import { fail } from "@torsion/defer";
import { MultiService, StreamServerEndpointService } from "@torsion/application";
import { failureResultOf, successResultOf } from "@torsion/testing";
import { FakeServerEndpoint } from "./helpers.js";

const factory = Factory.forProtocol(Protocol);

describe("StreamServerEndpointService", () => {
  it("listens once in privilegedStartService and stops listening on stop", () => {
    const endpoint = new FakeServerEndpoint();
    const service = new StreamServerEndpointService(endpoint, factory);
    successResultOf(service.privilegedStartService());
    successResultOf(service.startService());
    assert.equal(endpoint.listens, 1);
    assert.equal(service.port?.getHost().toString().includes("4321"), true);
    successResultOf(service.stopService());
    assert.equal(endpoint.stopped, 1);
    assert.equal(service.port, null);
  });

  it("fails start-up loudly when listening fails, and logs it", () => {
    const buffer = new BufferingObserver();
    globalLogPublisher.addObserver(buffer.observer);
    try {
      const parent = new MultiService();
      new StreamServerEndpointService(new FakeServerEndpoint("fail"), factory).setServiceParent(parent);
      const failure = failureResultOf(parent.startService());
      assert.equal(failure.getErrorMessage(), "EADDRINUSE");
      assert.equal(buffer.events.length, 1);
      assert.equal(buffer.events[0]?.level, "critical");
      assert.match(String(buffer.events[0]?.fields.endpoint), /fake:endpoint/);
    } finally {
      globalLogPublisher.removeObserver(buffer.observer);
    }
  });

  it("names an endpoint without its own toString by its description or class, never [object Object], and logs the reason", () => {
    class PlainEndpoint {
      listen(): ReturnType<FakeServerEndpoint["listen"]> {
        return fail(new Error("bind EADDRINUSE 127.0.0.1:8080"));
      }
    }
    const buffer = new BufferingObserver();
    globalLogPublisher.addObserver(buffer.observer);
    try {
      failureResultOf(new StreamServerEndpointService(new PlainEndpoint(), factory).startService());
      failureResultOf(new StreamServerEndpointService(new PlainEndpoint(), factory, { description: "tcp:8080" }).startService());
      const lines = buffer.events.map((e) => formatEvent(e));
      assert.deepEqual(lines, [
        "could not listen on PlainEndpoint: bind EADDRINUSE 127.0.0.1:8080",
        "could not listen on tcp:8080: bind EADDRINUSE 127.0.0.1:8080",
      ]);
    } finally {
      globalLogPublisher.removeObserver(buffer.observer);
    }
  });

  it("reports the same failure to every caller, not a success to the second", () => {
    const service = new StreamServerEndpointService(new FakeServerEndpoint("fail"), factory);
    const buffer = new BufferingObserver();
    globalLogPublisher.addObserver(buffer.observer);
    try {
      failureResultOf(service.privilegedStartService());
      failureResultOf(service.startService());
    } finally {
      globalLogPublisher.removeObserver(buffer.observer);
    }
  });

  it("cancels a listen still in progress when stopped, without logging it as a failure", () => {
    const endpoint = new FakeServerEndpoint("manual");
    const buffer = new BufferingObserver();
    globalLogPublisher.addObserver(buffer.observer);
    try {
      const service = new StreamServerEndpointService(endpoint, factory);
      const started = service.startService();
      successResultOf(service.stopService());
      assert.equal(endpoint.pending[0]?.called, true);
      failureResultOf(started);
      assert.equal(buffer.events.length, 0);
    } finally {
      globalLogPublisher.removeObserver(buffer.observer);
    }
  });
});
