import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, Deferred, DeferredList, type DeferredListEntry, Failure, FirstError, succeed } from "@torsion/defer";
import { nextTurn, trackReports } from "./helpers.js";

function resultOf<T>(d: Deferred<T>): T {
  const state = d.peek();
  assert.equal(state.state, "succeeded");
  return (state as { result: T }).result;
}

describe("DeferredList", () => {
  const reports = trackReports();

  it("fires once every member fired, with [success, value] entries in input order", () => {
    const a = new Deferred<string>();
    const b = new Deferred<string>();
    const list = new DeferredList([a, b]);
    b.callback("b");
    assert.equal(list.called, false);
    a.callback("a");
    assert.deepEqual(resultOf(list), [
      [true, "a"],
      [true, "b"],
    ]);
  });

  it("records a member failure as [false, failure] and does not fail itself", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const list = new DeferredList([a, b]);
    const error = new Error("member failed");
    a.errback(error);
    b.callback(2);
    const entries = resultOf(list);
    const first = entries[0];
    assert.ok(first?.[0] === false);
    assert.equal(first[1].value, error);
    assert.deepEqual(entries[1], [true, 2]);
    a.addErrback(() => null);
  });

  it("passes member results on unchanged to callbacks added later on the members", () => {
    const a = new Deferred<number>();
    const list = new DeferredList([a]);
    a.callback(3);
    const seen: number[] = [];
    a.addCallback((n) => seen.push(n));
    assert.deepEqual(seen, [3]);
    assert.equal(list.called, true);
  });

  it("fires inside the constructor when every member already fired", () => {
    const list = new DeferredList([succeed(1), succeed(2)]);
    assert.deepEqual(resultOf(list), [
      [true, 1],
      [true, 2],
    ]);
  });

  it("fires with [] at once for an empty list", () => {
    assert.deepEqual(resultOf(new DeferredList<number>([])), []);
  });

  it("never fires for an empty list with fireOnOneCallback", () => {
    assert.equal(new DeferredList<number, true>([], { fireOnOneCallback: true }).called, false);
  });

  it("fires with [value, index] on the first success with fireOnOneCallback", () => {
    const a = new Deferred<string>();
    const b = new Deferred<string>();
    const list = new DeferredList([a, b], { fireOnOneCallback: true });
    b.callback("second wins");
    assert.deepEqual(resultOf(list), ["second wins", 1]);
    a.callback("too late");
    assert.deepEqual(resultOf(list), ["second wins", 1]);
  });

  it("fires with the entries when every member fails with fireOnOneCallback, as Twisted does", () => {
    const a = new Deferred<number>();
    const list = new DeferredList([a], { fireOnOneCallback: true, consumeErrors: true });
    a.errback(new Error("only member failed"));
    const entries = resultOf(list);
    assert.ok(Array.isArray(entries[0]));
    assert.equal((entries[0] as [boolean, unknown])[0], false);
  });

  it("errbacks with FirstError(failure, index) on the first failure with fireOnOneErrback", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const list = new DeferredList([a, b], { fireOnOneErrback: true, consumeErrors: true });
    const error = new Error("first failure");
    b.errback(error);
    const state = list.peek();
    assert.equal(state.state, "failed");
    const first = (state as { failure: Failure }).failure.value;
    assert.ok(first instanceof FirstError);
    assert.equal(first.index, 1);
    assert.equal(first.subFailure.value, error);
    list.addErrback(() => null);
  });

  it("swallows member failures with consumeErrors, so they are not reported as unhandled", async () => {
    const a = new Deferred<number>();
    const list = new DeferredList([a], { consumeErrors: true });
    a.errback(new Error("consumed"));
    assert.deepEqual(a.peek(), { state: "succeeded", result: null });
    assert.equal(resultOf(list)[0]?.[0], false);
    await nextTurn();
    assert.deepEqual(reports.take(), []);
  });

  it("leaves member failures to be reported as unhandled without consumeErrors", async () => {
    const a = new Deferred<number>();
    const list = new DeferredList([a]);
    a.errback(new Error("not consumed"));
    assert.equal(list.called, true);
    await nextTurn();
    assert.deepEqual(
      reports.take().map((r) => r.failure.getErrorMessage()),
      ["not consumed"],
    );
  });

  it("cancels every member when cancelled before firing", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const list = new DeferredList([a, b], { consumeErrors: true });
    list.cancel();
    const entries: DeferredListEntry<number>[] = resultOf(list);
    assert.deepEqual(
      entries.map((e) => e[0]),
      [false, false],
    );
    assert.ok(entries.every((e) => e[1] instanceof Failure && e[1].value instanceof CancelledError));
  });

  it("does not cancel members once it has fired", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const list = new DeferredList([a, b], { fireOnOneCallback: true });
    a.callback(1);
    list.cancel();
    assert.equal(b.called, false);
  });

  it("reports an error thrown by a member's canceller and still cancels the others", () => {
    const a = new Deferred<number>(() => {
      throw new Error("canceller broke");
    });
    const b = new Deferred<number>();
    const list = new DeferredList([a, b], { consumeErrors: true });
    list.cancel();
    assert.equal(b.called, true);
    assert.equal(a.called, false);
    assert.deepEqual(
      reports.take().map((r) => r.failure.getErrorMessage()),
      ["canceller broke"],
    );
    a.callback(1);
    assert.equal(list.called, true);
  });

  it("accepts promises as members", async () => {
    const list = new DeferredList([Promise.resolve("p"), succeed("d")]);
    assert.deepEqual(await list, [
      [true, "p"],
      [true, "d"],
    ]);
  });

  it("exposes its options", () => {
    const list = new DeferredList<number>([], { fireOnOneErrback: true });
    assert.deepEqual([list.fireOnOneCallback, list.fireOnOneErrback, list.consumeErrors], [false, true, false]);
  });
});
