import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Deferred, succeed } from "@torsion/defer";
import { DuplicateServiceNameError, MultiService, NoSuchServiceError, Service, ServiceHasParentError } from "@torsion/application";
import { failureResultOf, successResultOf } from "@torsion/testing";

class Logged extends Service {
  constructor(
    readonly log: string[],
    readonly label: string,
    readonly stopResult?: Deferred<unknown>,
  ) {
    super();
    this.setName(label);
  }
  override privilegedStartService(): void {
    this.log.push(`privileged ${this.label}`);
  }
  override startService(): void {
    super.startService();
    this.log.push(`start ${this.label}`);
  }
  override stopService(): Deferred<unknown> | void {
    super.stopService();
    this.log.push(`stop ${this.label}`);
    return this.stopResult;
  }
}

describe("Service", () => {
  it("is running only between startService and stopService", () => {
    const service = new Service();
    assert.equal(service.running, false);
    service.startService();
    assert.equal(service.running, true);
    service.stopService();
    assert.equal(service.running, false);
  });

  it("refuses to be renamed while it has a parent", () => {
    const parent = new MultiService();
    const child = new Service();
    child.setName("a");
    child.setServiceParent(parent);
    assert.throws(() => child.setName("b"), ServiceHasParentError);
    child.disownServiceParent();
    child.setName("b");
    assert.equal(child.name, "b");
  });

  it("leaves its old parent when given a new one", () => {
    const first = new MultiService();
    const second = new MultiService();
    const child = new Service();
    child.setName("c");
    child.setServiceParent(first);
    child.setServiceParent(second);
    assert.deepEqual([...first], []);
    assert.deepEqual([...second], [child]);
    assert.equal(child.parent, second);
  });
});

describe("MultiService", () => {
  it("starts children in insertion order and stops them in reverse order", () => {
    const log: string[] = [];
    const parent = new MultiService();
    for (const label of ["a", "b", "c"]) new Logged(log, label).setServiceParent(parent);
    parent.privilegedStartService();
    parent.startService();
    parent.stopService();
    assert.deepEqual(log, ["privileged a", "privileged b", "privileged c", "start a", "start b", "start c", "stop c", "stop b", "stop a"]);
  });

  it("rejects a second child with the same name", () => {
    const log: string[] = [];
    const parent = new MultiService();
    new Logged(log, "x").setServiceParent(parent);
    assert.throws(() => new Logged(log, "x").setServiceParent(parent), DuplicateServiceNameError);
    assert.equal([...parent].length, 1);
  });

  it("starts a child added to a running parent at once", () => {
    const log: string[] = [];
    const parent = new MultiService();
    parent.startService();
    new Logged(log, "late").setServiceParent(parent);
    assert.deepEqual(log, ["privileged late", "start late"]);
  });

  it("stops every child at once and fires when all have stopped", () => {
    const log: string[] = [];
    const slow = new Deferred<unknown>();
    const parent = new MultiService();
    new Logged(log, "a").setServiceParent(parent);
    new Logged(log, "b", slow).setServiceParent(parent);
    parent.startService();
    const stopped = parent.stopService();
    assert.deepEqual(log.slice(-2), ["stop b", "stop a"]);
    assert.equal(stopped.called, false);
    slow.callback(null);
    successResultOf(stopped);
  });

  it("fails start-up when a child's start fails, after starting the others", () => {
    class Broken extends Service {
      override startService(): Deferred<unknown> {
        super.startService();
        const d = new Deferred<unknown>();
        d.errback(new Error("cannot bind"));
        return d;
      }
    }
    const log: string[] = [];
    const parent = new MultiService();
    new Broken().setServiceParent(parent);
    new Logged(log, "ok").setServiceParent(parent);
    const failure = failureResultOf(parent.startService());
    assert.equal(failure.getErrorMessage(), "cannot bind");
    assert.deepEqual(log, ["start ok"]);
  });

  it("finds children by name and says which name is missing", () => {
    const parent = new MultiService();
    const child = new Service();
    child.setName("db");
    child.setServiceParent(parent);
    assert.equal(parent.getServiceNamed("db"), child);
    assert.throws(
      () => parent.getServiceNamed("web"),
      (e: unknown) => e instanceof NoSuchServiceError && e.message.includes('"web"'),
    );
  });

  it("stops a child removed from a running parent and returns its stop result", () => {
    const log: string[] = [];
    const parent = new MultiService();
    const result = succeed("stopped");
    const child = new Logged(log, "r", result);
    child.setServiceParent(parent);
    parent.startService();
    assert.equal(child.disownServiceParent(), result);
    assert.equal(child.running, false);
    assert.equal(child.parent, null);
    assert.throws(() => parent.getServiceNamed("r"), NoSuchServiceError);
  });
});
