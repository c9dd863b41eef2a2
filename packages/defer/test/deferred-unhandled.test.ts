// When a Deferred reports "Unhandled error in Deferred".
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Deferred, UNHANDLED_CONTEXT, fail } from "@torsion/defer";
import { nextTurn, trackReports } from "./helpers.js";

describe("Deferred unhandled failure reporting", () => {
  const reports = trackReports();

  function messages(): string[] {
    return reports.take().map((r) => `${r.context} | ${r.failure.getErrorMessage()}`);
  }

  it("reports a failure nobody handles once, one event-loop turn later, not synchronously", async () => {
    const d = new Deferred<number>();
    d.errback(new Error("lost"));
    assert.deepEqual(messages(), []);
    await Promise.resolve();
    assert.deepEqual(messages(), []);
    await nextTurn();
    assert.deepEqual(messages(), [`${UNHANDLED_CONTEXT} | lost`]);
    assert.equal(UNHANDLED_CONTEXT, "Unhandled error in Deferred");
    d.addCallback(() => 1);
    await nextTurn();
    assert.deepEqual(messages(), []);
  });

  it("does not report when an errback is added in the same turn", async () => {
    const d = fail(new Error("caught"));
    d.addErrback(() => null);
    await nextTurn();
    assert.deepEqual(messages(), []);
  });

  it("does not report when an errback is added from a microtask", async () => {
    const d = fail(new Error("caught a bit later"));
    await Promise.resolve();
    await Promise.resolve();
    d.addErrback(() => null);
    await nextTurn();
    assert.deepEqual(messages(), []);
  });

  it("still reports when only callbacks were added, or an errback rethrew", async () => {
    fail(new Error("passed by")).addCallback(() => 1);
    fail(new Error("original")).addErrback(() => {
      throw new Error("rethrown");
    });
    await nextTurn();
    assert.deepEqual(messages(), [`${UNHANDLED_CONTEXT} | passed by`, `${UNHANDLED_CONTEXT} | rethrown`]);
  });

  it("reports a failure that a callback raises on a Deferred that succeeded", async () => {
    const d = new Deferred<number>();
    d.callback(1);
    d.addCallback(() => {
      throw new TypeError("late bug");
    });
    await nextTurn();
    assert.deepEqual(messages(), [`${UNHANDLED_CONTEXT} | late bug`]);
  });

  it("does not count peek() as handling", async () => {
    const d = fail(new Error("only peeked"));
    assert.equal(d.peek().state, "failed");
    await nextTurn();
    assert.deepEqual(messages(), [`${UNHANDLED_CONTEXT} | only peeked`]);
  });

  it("waits while the Deferred is paused and checks again once it is unpaused", async () => {
    const d = new Deferred<number>();
    d.pause();
    d.errback(new Error("paused failure"));
    await nextTurn();
    assert.deepEqual(messages(), []);
    d.unpause();
    await nextTurn();
    assert.deepEqual(messages(), [`${UNHANDLED_CONTEXT} | paused failure`]);
  });

  it("reports a failure handed to an outer Deferred once, on the outer one", async () => {
    const inner = fail<number>(new Error("moved"));
    const outer = new Deferred<number>();
    outer.addCallback(() => inner);
    outer.callback(0);
    await nextTurn();
    assert.deepEqual(messages(), [`${UNHANDLED_CONTEXT} | moved`]);
    assert.equal(inner.peek().state, "succeeded");
    assert.equal(outer.peek().state, "failed");
  });

  it("moves the duty to the chainDeferred target", async () => {
    const source = new Deferred<number>();
    const target = new Deferred<number>();
    source.chainDeferred(target);
    source.errback(new Error("forwarded"));
    await nextTurn();
    const taken = reports.take();
    assert.equal(taken.length, 1);
    assert.equal(taken[0]?.failure.getErrorMessage(), "forwarded");
    assert.equal(target.peek().state, "failed");
  });

  it("does not report a failure again after a consumer awaited it, even as it passes more callbacks", async () => {
    const d = fail(new Error("delivered"));
    await d.then(undefined, () => undefined);
    d.addCallback(() => 1);
    await nextTurn();
    assert.deepEqual(messages(), []);
  });

  it("reports failures in the order their chains came to rest", async () => {
    fail(new Error("one"));
    fail(new Error("two"));
    const late = new Deferred<number>();
    fail(new Error("three"));
    late.errback(new Error("four"));
    await nextTurn();
    assert.deepEqual(
      messages().map((m) => m.split(" | ")[1]),
      ["one", "two", "three", "four"],
    );
  });
});
