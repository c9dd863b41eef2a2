import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Factory, Protocol } from "@torsion/core";
import { MultiService, StreamServerEndpointService, TimerService } from "@torsion/application";
import { TCP4ServerEndpoint, UNIXServerEndpoint } from "@torsion/endpoints";
import { Clock, MemoryReactor } from "@torsion/testing";
import { checkWorkersCanShare, unsharableListeners } from "../dist/cli/worker-limits.js";
import { RunnerUsageError } from "../dist/errors.js";

const reactor = new MemoryReactor();
const factory = Factory.forProtocol(Protocol);
const tcp = (): StreamServerEndpointService =>
  new StreamServerEndpointService(new TCP4ServerEndpoint(reactor, 8080), factory, { description: "tcp:8080" });
const unix = (path: string): StreamServerEndpointService =>
  new StreamServerEndpointService(new UNIXServerEndpoint(reactor, path), factory, { description: `unix:${path}` });

describe("what --workers cannot share", () => {
  it("accepts TCP listeners and services that listen on nothing", () => {
    const root = new MultiService();
    tcp().setServiceParent(root);
    new TimerService(new Clock(), 1, () => undefined).setServiceParent(root);
    assert.deepEqual(unsharableListeners(root), []);
    checkWorkersCanShare(root);
  });

  it("finds every Unix-socket listener, however deep in the service tree", () => {
    const root = new MultiService();
    const inner = new MultiService();
    tcp().setServiceParent(root);
    unix("/tmp/a.sock").setServiceParent(root);
    inner.setServiceParent(root);
    unix("/tmp/b.sock").setServiceParent(inner);
    assert.deepEqual(unsharableListeners(root), ["unix:/tmp/a.sock", "unix:/tmp/b.sock"]);
    assert.throws(
      () => checkWorkersCanShare(root),
      (error: unknown) =>
        error instanceof RunnerUsageError &&
        error.message.includes("--workers cannot share a Unix socket (unix:/tmp/a.sock, unix:/tmp/b.sock)"),
    );
  });

  it("refuses a lone Unix-socket service too", () => {
    assert.throws(() => checkWorkersCanShare(unix("/tmp/c.sock")), RunnerUsageError);
  });
});
