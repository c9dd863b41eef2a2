import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ShutdownTimeoutError } from "@torsion/reactor";
import { FakeResource, activeTimeouts, makeReactor, within } from "./support.js";

describe("resources closed by stop()", { timeout: 5000 }, () => {
  it("stops every port, waits for them, and only then closes the connections", async (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    reactor.registerResource(new FakeResource("connection", log, "conn1"));
    reactor.registerResource(new FakeResource("port", log, "port1"));
    reactor.registerResource(new FakeResource("connection", log, "conn2"));
    reactor.registerResource(new FakeResource("port", log, "port2"));
    reactor.addSystemEventTrigger("during", "shutdown", () => log.push("during trigger"));
    reactor.addSystemEventTrigger("after", "shutdown", () => log.push("after trigger"));
    const stopped = reactor.run();
    reactor.stop();
    await within(stopped, 2000, "run()");
    assert.deepEqual(log, [
      "during trigger",
      "shutdown port1",
      "shutdown port2",
      "closed port1",
      "closed port2",
      "shutdown conn1",
      "shutdown conn2",
      "closed conn1",
      "closed conn2",
      "after trigger",
    ]);
  });

  it("gives each resource the configured grace period", async (t) => {
    const { reactor } = makeReactor(t, { shutdownGraceSeconds: 2.5 });
    const resource = new FakeResource("connection", [], "conn");
    reactor.registerResource(resource);
    const stopped = reactor.run();
    reactor.stop();
    await within(stopped, 2000, "run()");
    assert.deepEqual(resource.graceSeconds, [2.5]);
  });

  it("does not shut down a resource that was unregistered, and shuts down the others only once", async (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    const unregister = reactor.registerResource(new FakeResource("connection", log, "gone"));
    reactor.registerResource(new FakeResource("connection", log, "kept"));
    unregister();
    unregister();
    let stopped = reactor.run();
    reactor.stop();
    await within(stopped, 2000, "run()");
    stopped = reactor.run();
    reactor.stop();
    await within(stopped, 2000, "second run()");
    assert.deepEqual(log, ["shutdown kept", "closed kept"]);
  });

  it("reports a resource whose shutdown throws or rejects, and still closes the others", async (t) => {
    const { reactor, reports } = makeReactor(t);
    const log: string[] = [];
    reactor.registerResource({
      kind: "port",
      shutdown: () => {
        throw new Error("port shutdown threw");
      },
    });
    const rejecting = new FakeResource("connection", log, "rejecting", false);
    reactor.registerResource(rejecting);
    reactor.registerResource(new FakeResource("connection", log, "fine"));
    const stopped = reactor.run();
    reactor.stop();
    await new Promise((resolve) => setImmediate(resolve));
    rejecting.failWith(new Error("connection shutdown rejected"));
    await within(stopped, 2000, "run()");
    assert.ok(log.includes("closed fine"));
    assert.deepEqual(reports.map((report) => report.failure.value.message).sort(), ["connection shutdown rejected", "port shutdown threw"]);
  });

  it("gives up on a resource that never closes after shutdownTimeoutSeconds, reports it, and finishes stopping", async (t) => {
    const { reactor, reports } = makeReactor(t, { shutdownGraceSeconds: 0.01, shutdownTimeoutSeconds: 0.03 });
    const log: string[] = [];
    const stuck = new FakeResource("connection", log, "stuck", false);
    reactor.registerResource(stuck);
    const timeoutsBefore = activeTimeouts();
    const stopped = reactor.run();
    const start = reactor.seconds();
    reactor.stop();
    await within(stopped, 2000, "run()");
    const elapsed = reactor.seconds() - start;
    assert.ok(elapsed >= 0.025, `stop() waited only ${elapsed} s`);
    assert.equal(reports.length, 1);
    assert.ok(reports[0]?.failure.value instanceof ShutdownTimeoutError);
    assert.equal(activeTimeouts(), timeoutsBefore, "no timer is left behind");
    stuck.close();
  });

  it("shuts down at once a connection registered while connections are being closed", async (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    const slow = new FakeResource("connection", log, "slow", false);
    reactor.registerResource(slow);
    const stopped = reactor.run();
    reactor.stop();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ["shutdown slow"]);
    reactor.registerResource(new FakeResource("connection", log, "late"));
    assert.deepEqual(log, ["shutdown slow", "shutdown late"]);
    slow.close();
    await within(stopped, 2000, "run()");
  });

  it("closes a connection registered while the ports are closing in the connection step", async (t) => {
    const { reactor } = makeReactor(t);
    const log: string[] = [];
    const port = new FakeResource("port", log, "port", false);
    reactor.registerResource(port);
    const stopped = reactor.run();
    reactor.stop();
    await new Promise((resolve) => setImmediate(resolve));
    reactor.registerResource(new FakeResource("connection", log, "accepted"));
    assert.deepEqual(log, ["shutdown port"]);
    port.close();
    await within(stopped, 2000, "run()");
    assert.deepEqual(log, ["shutdown port", "closed port", "shutdown accepted", "closed accepted"]);
  });
});
