import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AlreadyCalledError, Deferred, Failure, ThrownValueError } from "@torsion/defer";
import { trackReports } from "./helpers.js";

describe("Deferred firing", () => {
  const reports = trackReports();

  it("runs callbacks synchronously inside callback(), each receiving the previous result", () => {
    const d = new Deferred<number>();
    const seen: unknown[] = [];
    d.addCallback((n) => (seen.push(n), n + 1)).addCallback((n) => (seen.push(n), n * 10));
    assert.deepEqual(seen, []);
    d.callback(1);
    assert.deepEqual(seen, [1, 2]);
    assert.deepEqual(d.peek(), { state: "succeeded", result: 20 });
  });

  it("runs a callback added after firing at once, inside addCallback()", () => {
    const d = new Deferred<string>();
    d.callback("x");
    let seen: string | undefined;
    d.addCallback((s) => {
      seen = s;
    });
    assert.equal(seen, "x");
  });

  it("reports called as false before firing and true afterwards", () => {
    const d = new Deferred<number>();
    assert.equal(d.called, false);
    d.callback(1);
    assert.equal(d.called, true);
  });

  it("throws AlreadyCalledError when fired a second time, by callback or errback", () => {
    const d = new Deferred<number>();
    d.callback(1);
    assert.throws(() => d.callback(2), AlreadyCalledError);
    assert.throws(
      () => d.errback(new Error("late")),
      (e: unknown) => e instanceof AlreadyCalledError && e.code === "ERR_ALREADY_CALLED",
    );
    assert.deepEqual(d.peek(), { state: "succeeded", result: 1 });
  });

  it("wraps an Error given to errback in a Failure and passes a Failure through as-is", () => {
    const error = new Error("boom");
    const failure = new Failure(new RangeError("range"));
    const seen: Failure[] = [];
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    a.addErrback((f) => (seen.push(f), null));
    b.addErrback((f) => (seen.push(f), null));
    a.errback(error);
    b.errback(failure);
    assert.ok(seen[0] instanceof Failure);
    assert.equal(seen[0]?.value, error);
    assert.equal(seen[1], failure);
  });

  it("wraps a thrown non-Error given to errback in ThrownValueError", () => {
    const d = new Deferred<number>();
    let value: unknown;
    d.addErrback((f) => {
      value = f.value;
      return 0;
    });
    d.errback("just a string");
    assert.ok(value instanceof ThrownValueError);
    assert.equal(value.thrown, "just a string");
  });

  it("makes errback() without an argument fail with a generic Error", () => {
    const d = new Deferred<number>();
    let failure: Failure | undefined;
    d.addErrback((f) => {
      failure = f;
      return 0;
    });
    d.errback();
    assert.equal(failure?.type, Error);
    assert.match(failure?.getErrorMessage() ?? "", /without a reason/);
  });

  it("treats callback() with a Failure as errback()", () => {
    const d = new Deferred<unknown>();
    const failure = new Failure(new Error("via callback"));
    let seen: Failure | undefined;
    d.addCallbacks(
      () => assert.fail("callback must not run"),
      (f) => {
        seen = f;
        return null;
      },
    );
    d.callback(failure);
    assert.equal(seen, failure);
  });

  it("refuses a Deferred as the result of callback() with a TypeError", () => {
    const d = new Deferred<unknown>();
    assert.throws(() => d.callback(new Deferred<number>()), TypeError);
    assert.equal(d.called, false);
  });

  it("binds callback, errback and cancel so they work when passed around as functions", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const c = new Deferred<number>();
    // Deferred binds these three (on first access): this test checks exactly that.
    /* eslint-disable @typescript-eslint/unbound-method */
    const { callback } = a;
    const { errback } = b;
    const { cancel } = c;
    callback(1);
    errback(new Error("detached"));
    cancel();
    assert.deepEqual(a.peek(), { state: "succeeded", result: 1 });
    assert.equal(b.peek().state, "failed");
    assert.equal(c.peek().state, "failed");
    const source = new Deferred<number>();
    const target = new Deferred<number>();
    source.addCallbacks(target.callback, target.errback);
    /* eslint-enable @typescript-eslint/unbound-method */
    source.callback(2);
    assert.deepEqual(target.peek(), { state: "succeeded", result: 2 });
    b.addErrback(() => null);
    c.addErrback(() => null);
  });

  it("gives the same bound function on every access, and the plain method on the prototype", () => {
    /* eslint-disable @typescript-eslint/unbound-method */
    const d = new Deferred<number>();
    assert.equal(d.callback, d.callback);
    assert.equal(d.cancel, d.cancel);
    assert.notEqual(d.errback, new Deferred<number>().errback);
    assert.equal(d.callback.name, "bound callback");
    const plain = Deferred.prototype.callback;
    assert.equal(plain.name, "callback");
    plain.call(d, 5);
    /* eslint-enable @typescript-eslint/unbound-method */
    assert.deepEqual(d.peek(), { state: "succeeded", result: 5 });
  });

  it("lets a Deferred's callback be replaced by assignment, for that Deferred only", () => {
    const d = new Deferred<number>();
    const other = new Deferred<number>();
    const seen: number[] = [];
    d.callback = (n: number) => {
      seen.push(n);
    };
    d.callback(1);
    other.callback(2);
    assert.deepEqual(seen, [1]);
    assert.equal(d.called, false);
    assert.equal(other.called, true);
  });

  it("binds a subclass's override of cancel, so that it too works when passed around", () => {
    const cancelled: unknown[] = [];
    class Tracked extends Deferred<number> {
      override cancel(): void {
        cancelled.push(this);
        super.cancel();
      }
    }
    const t = new Tracked();
    const u = new Tracked();
    /* eslint-disable @typescript-eslint/unbound-method */
    const { cancel } = t;
    const { callback } = u;
    /* eslint-enable @typescript-eslint/unbound-method */
    cancel();
    assert.deepEqual(cancelled, [t]);
    assert.equal(t.peek().state, "failed");
    t.addErrback(() => null);
    callback(3);
    assert.deepEqual(u.peek(), { state: "succeeded", result: 3 });
  });

  it("keeps Deferred<T> assignable to Deferred<unknown>", () => {
    const d: Deferred<number> = new Deferred<number>();
    const widened: Deferred<unknown> = d;
    widened.callback(3);
    assert.deepEqual(d.peek(), { state: "succeeded", result: 3 });
    assert.deepEqual(reports.take(), []);
  });
});

describe("Deferred callback chain", () => {
  trackReports();

  it("switches to the error track when a callback throws, skipping callbacks until an errback", () => {
    const d = new Deferred<number>();
    const order: string[] = [];
    d.addCallback(() => {
      order.push("cb1");
      throw new RangeError("bad");
    })
      .addCallback(() => order.push("cb2 (skipped)"))
      .addErrback((f) => {
        order.push(`eb:${f.type.name}`);
        return 5;
      })
      .addCallback((n) => order.push(`cb3:${String(n)}`));
    d.callback(0);
    assert.deepEqual(order, ["cb1", "eb:RangeError", "cb3:5"]);
  });

  it("switches to the error track when a callback returns a Failure", () => {
    const d = new Deferred<number>();
    const failure = new Failure(new Error("returned"));
    let seen: Failure | undefined;
    d.addCallback(() => failure).addErrback((f) => {
      seen = f;
      return null;
    });
    d.callback(1);
    assert.equal(seen, failure);
  });

  it("stays on the error track when an errback rethrows and switches back when it returns", () => {
    const d = new Deferred<number>();
    const order: string[] = [];
    d.addErrback((f) => {
      order.push("eb1");
      return f.trap(TypeError);
    })
      .addErrback((f) => {
        order.push(`eb2:${f.getErrorMessage()}`);
        return "recovered";
      })
      .addCallback((v) => order.push(`cb:${String(v)}`));
    d.errback(new RangeError("not a type error"));
    assert.deepEqual(order, ["eb1", "eb2:not a type error", "cb:recovered"]);
  });

  it("runs exactly one side of an addCallbacks pair, with its own extra arguments", () => {
    const calls: unknown[][] = [];
    const ok = new Deferred<string>();
    const bad = new Deferred<string>();
    for (const d of [ok, bad]) {
      d.addCallbacks(
        (r, a: number, b: string) => (calls.push(["cb", r, a, b]), null),
        (f, c: boolean) => (calls.push(["eb", f.getErrorMessage(), c]), null),
        { callbackArgs: [1, "two"], errbackArgs: [true] },
      );
    }
    ok.callback("fine");
    bad.errback(new Error("broken"));
    assert.deepEqual(calls, [
      ["cb", "fine", 1, "two"],
      ["eb", "broken", true],
    ]);
  });

  it("lets a failure pass an addCallbacks pair without errback, and a result pass addErrback", () => {
    const d = new Deferred<number>();
    const seen: unknown[] = [];
    d.addCallbacks((n) => n + 1)
      .addErrback(() => -1)
      .addCallback((n) => seen.push(n));
    d.callback(1);
    assert.deepEqual(seen, [2]);
  });

  it("passes extra arguments to addCallback, addErrback and addBoth", () => {
    const seen: unknown[] = [];
    const a = new Deferred<number>();
    a.addCallback((n, x: number, y: number) => n + x + y, 10, 100).addBoth((r, tag: string) => seen.push([tag, r]), "both");
    a.callback(1);
    const b = new Deferred<number>();
    b.addErrback((f, tag: string) => (seen.push([tag, f.getErrorMessage()]), 0), "eb");
    b.errback(new Error("e"));
    assert.deepEqual(seen, [
      ["both", 111],
      ["eb", "e"],
    ]);
  });

  it("gives addBoth the Failure on the error track and continues with what it returns", () => {
    const d = new Deferred<number>();
    const seen: unknown[] = [];
    d.addBoth((r) => (r instanceof Failure ? "handled" : r)).addCallback((v) => seen.push(v));
    d.errback(new Error("x"));
    assert.deepEqual(seen, ["handled"]);
  });

  it("runs a callback added from inside a running callback after it, not nested", () => {
    const d = new Deferred<number>();
    const order: string[] = [];
    d.addCallback((n) => {
      order.push("first:start");
      d.addCallback((m) => (order.push(`added:${m}`), m));
      order.push("first:end");
      return n + 1;
    });
    d.addCallback((n) => (order.push(`second:${n}`), n * 2));
    d.callback(1);
    assert.deepEqual(order, ["first:start", "first:end", "second:2", "added:4"]);
  });

  it("runs 100,000 callbacks on one Deferred without overflowing the stack", () => {
    const d = new Deferred<number>();
    for (let i = 0; i < 100_000; i++) d.addCallback((n) => n + 1);
    d.callback(0);
    assert.deepEqual(d.peek(), { state: "succeeded", result: 100_000 });
    for (let i = 0; i < 100_000; i++) d.addCallback((n) => n + 1);
    assert.deepEqual(d.peek(), { state: "succeeded", result: 200_000 });
  });
});

describe("Deferred chaining", () => {
  const reports = trackReports();

  it("suspends the chain on a returned unfired Deferred and continues with its result", () => {
    const outer = new Deferred<number>();
    const inner = new Deferred<string>();
    const seen: unknown[] = [];
    outer.addCallback(() => inner).addCallback((s) => seen.push(s));
    outer.callback(1);
    assert.deepEqual(seen, []);
    assert.deepEqual(outer.peek(), { state: "pending" });
    inner.callback("inner result");
    assert.deepEqual(seen, ["inner result"]);
    assert.deepEqual(inner.peek(), { state: "succeeded", result: null });
  });

  it("resumes nested waits in order: inner fires, the middle chain continues, then the outer", () => {
    const inner = new Deferred<string>();
    const log: unknown[] = [];
    const outer = new Deferred<string>();
    outer.callback("outer");
    outer.addCallback((result) => {
      log.push(["start", result]);
      const middle = new Deferred<string>();
      middle.callback("middle");
      return middle.addCallback(() => (log.push("first"), inner)).addCallback((r) => (log.push(["second", r]), r + r));
    });
    outer.addCallback((r) => log.push(["outer", r]));
    assert.deepEqual(log, [["start", "outer"], "first"]);
    inner.callback("orange");
    assert.deepEqual(log, [["start", "outer"], "first", ["second", "orange"], ["outer", "orangeorange"]]);
  });

  it("gives null to callbacks added to a returned Deferred after it handed its result on", () => {
    const inner = new Deferred<string>();
    const outer = new Deferred<number>();
    outer.addCallback(() => inner);
    outer.callback(0);
    const seen: unknown[] = [];
    inner.callback("handed over");
    inner.addCallback((r) => seen.push(r));
    assert.deepEqual(seen, [null]);
    assert.deepEqual(outer.peek(), { state: "succeeded", result: "handed over" });
  });

  it("continues synchronously with the result of a returned Deferred that already fired", () => {
    const inner = new Deferred<string>();
    inner.callback("ready");
    const outer = new Deferred<number>();
    outer.addCallback(() => inner);
    outer.callback(0);
    assert.deepEqual(outer.peek(), { state: "succeeded", result: "ready" });
    assert.deepEqual(inner.peek(), { state: "succeeded", result: null });
  });

  it("continues on the error track when the returned Deferred fails", () => {
    const inner = new Deferred<string>();
    const outer = new Deferred<number>();
    let message = "";
    outer
      .addCallback(() => inner)
      .addErrback((f) => {
        message = f.getErrorMessage();
        return null;
      });
    outer.callback(0);
    inner.errback(new Error("inner failed"));
    assert.equal(message, "inner failed");
  });

  it("waits for a returned Deferred that is paused, until it is unpaused", () => {
    const inner = new Deferred<string>();
    inner.callback("held");
    inner.pause();
    const outer = new Deferred<number>();
    outer.addCallback(() => inner);
    outer.callback(0);
    assert.deepEqual(outer.peek(), { state: "pending" });
    inner.unpause();
    assert.deepEqual(outer.peek(), { state: "succeeded", result: "held" });
  });

  it("suspends the chain on a returned promise and continues when it resolves", async () => {
    const d = new Deferred<number>();
    d.addCallback(async (n) => n * 2).addCallback((n) => n + 1);
    d.callback(20);
    assert.deepEqual(d.peek(), { state: "pending" });
    await d;
    assert.deepEqual(d.peek(), { state: "succeeded", result: 41 });
  });

  it("continues on the error track with the reason of a returned rejected promise", async () => {
    const d = new Deferred<number>();
    const error = new TypeError("rejected");
    let seen: unknown;
    d.addCallback(() => Promise.reject(error)).addErrback((f) => {
      seen = f.value;
      return null;
    });
    d.callback(0);
    await d;
    assert.equal(seen, error);
  });

  it("fails with a TypeError when a callback returns the Deferred it was added to", () => {
    const d = new Deferred<number>();
    let failure: Failure | undefined;
    d.addCallback(() => d).addErrback((f) => {
      failure = f;
      return null;
    });
    d.callback(1);
    assert.equal(failure?.type, TypeError);
  });

  it("chains 100,000 Deferreds waiting on each other without overflowing the stack", () => {
    const count = 100_000;
    const ds = Array.from({ length: count + 1 }, () => new Deferred<number>());
    for (let i = 0; i < count; i++) ds[i]!.addCallback(() => ds[i + 1]!);
    for (let i = 0; i < count; i++) ds[i]!.callback(0);
    assert.deepEqual(ds[0]!.peek(), { state: "pending" });
    ds[count]!.callback(42);
    assert.deepEqual(ds[0]!.peek(), { state: "succeeded", result: 42 });
  });

  it("forwards its result with chainDeferred and continues with null", () => {
    const source = new Deferred<number>();
    const target = new Deferred<number>();
    const seen: unknown[] = [];
    target.addCallback((n) => seen.push(["target", n]));
    source.chainDeferred(target);
    source.addCallback((r) => seen.push(["source", r]));
    source.callback(7);
    assert.deepEqual(seen, [
      ["target", 7],
      ["source", null],
    ]);
  });

  it("forwards a failure with chainDeferred, leaving the source handled", () => {
    const source = new Deferred<number>();
    const target = new Deferred<number>();
    source.chainDeferred(target);
    source.errback(new Error("forwarded"));
    assert.deepEqual(source.peek(), { state: "succeeded", result: null });
    const state = target.peek();
    assert.equal(state.state, "failed");
    target.addErrback(() => null);
  });

  it("puts an AlreadyCalledError on the source chain when the chainDeferred target already fired", () => {
    const source = new Deferred<number>();
    const target = new Deferred<number>();
    target.callback(1);
    source.chainDeferred(target);
    let failure: Failure | undefined;
    source.addErrback((f) => {
      failure = f;
      return null;
    });
    source.callback(2);
    assert.equal(failure?.type, AlreadyCalledError);
  });

  it("forwards through 100,000 chainDeferred links without overflowing the stack", () => {
    const ds = Array.from({ length: 100_000 }, () => new Deferred<string>());
    for (let i = 0; i + 1 < ds.length; i++) ds[i]!.chainDeferred(ds[i + 1]!);
    ds[0]!.callback("end");
    assert.deepEqual(ds[ds.length - 1]!.peek(), { state: "succeeded", result: "end" });
    assert.deepEqual(reports.take(), []);
  });
});
