import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as torsion from "torsion";
import * as testing from "torsion/testing";
import { NodeReactor } from "@torsion/reactor";
import { ConnectError } from "@torsion/core";
import { TimeoutError as DeferTimeoutError } from "@torsion/defer";

describe("the torsion umbrella package", () => {
  it("offers a default reactor that is a NodeReactor and is not running until run()", () => {
    assert.ok(torsion.reactor instanceof NodeReactor);
    assert.equal(torsion.reactor.running, false);
  });

  it("re-exports the Protocol/Factory classes, Deferred, framing and the reactor class", () => {
    for (const name of [
      "Protocol",
      "Factory",
      "ClientFactory",
      "DatagramProtocol",
      "Deferred",
      "Failure",
      "LineReceiver",
      "Int32StringReceiver",
      "ReconnectingClientFactory",
      "LoopingCall",
      "NodeReactor",
    ]) {
      assert.equal(typeof (torsion as Record<string, unknown>)[name], "function", name);
    }
  });

  it("exports the connect timeout as TimeoutError and the Deferred timeout as DeferredTimeoutError", () => {
    assert.ok(new torsion.TimeoutError() instanceof ConnectError);
    assert.equal(torsion.DeferredTimeoutError, DeferTimeoutError);
    assert.notEqual(torsion.TimeoutError, torsion.DeferredTimeoutError);
  });

  it("offers react on the default reactor next to the application layer and the logger", () => {
    assert.equal(torsion.react.length, 1);
    for (const name of [
      "Service",
      "MultiService",
      "ClientService",
      "TimerService",
      "StreamServerEndpointService",
      "backoffPolicy",
      "Logger",
      "textFileObserver",
    ]) {
      assert.equal(typeof (torsion as Record<string, unknown>)[name], "function", name);
    }
  });

  it("exposes the testing kit on the torsion/testing subpath", () => {
    for (const name of ["StringTransport", "Clock", "MemoryReactor", "connectedServerAndClient", "successResultOf", "feedInChunks"]) {
      assert.equal(typeof (testing as Record<string, unknown>)[name], "function", name);
    }
  });

  it("lets a protocol written against the umbrella API be tested with the kit", () => {
    class Echo extends torsion.Protocol {
      override dataReceived(data: Buffer): void {
        this.transport.write(data);
      }
    }
    const transport = new testing.StringTransport();
    const protocol = new Echo();
    protocol.makeConnection(transport);
    protocol.dataReceived(Buffer.from("hello"));
    assert.equal(transport.value().toString(), "hello");
  });
});
