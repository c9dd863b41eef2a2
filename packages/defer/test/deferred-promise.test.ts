// Deferred as a PromiseLike: then, asPromise, fromPromise, fromCoroutine.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, Deferred, Failure, NotACoroutineError, succeed } from "@torsion/defer";
import { trackReports } from "./helpers.js";

describe("Deferred as a promise", () => {
  const reports = trackReports();

  it("resolves await with the result of a succeeded Deferred", async () => {
    assert.equal(await succeed(7), 7);
  });

  it("waits for a Deferred that fires later", async () => {
    const d = new Deferred<string>();
    setImmediate(() => d.callback("later"));
    assert.equal(await d, "later");
  });

  it("rejects await with the Error itself, not the Failure", async () => {
    const error = new RangeError("nope");
    const d = new Deferred<number>();
    d.errback(error);
    await assert.rejects(
      async () => d,
      (e: unknown) => e === error,
    );
  });

  it("counts an await as handling the failure, so nothing is reported", async () => {
    const d = new Deferred<number>();
    d.errback(new Error("awaited"));
    await d.then(
      () => assert.fail("must reject"),
      () => undefined,
    );
    assert.deepEqual(reports.take(), []);
  });

  it("leaves the chain's result unchanged for callbacks added after then()", async () => {
    const d = new Deferred<number>();
    const viaPromise = d.then((n) => n * 2);
    d.callback(21);
    const seen: unknown[] = [];
    d.addCallback((n) => seen.push(n));
    assert.deepEqual(seen, [21]);
    assert.equal(await viaPromise, 42);
  });

  it("leaves a failure on the chain for errbacks added after then()", async () => {
    const d = new Deferred<number>();
    const error = new Error("still there");
    const rejected = d.then(undefined, (e: unknown) => e);
    d.errback(error);
    let seen: unknown;
    d.addErrback((f) => {
      seen = f.value;
      return 0;
    });
    assert.equal(seen, error);
    assert.equal(await rejected, error);
  });

  it("calls then()'s callback one microtask after the chain reaches it, fired before or after", async () => {
    const order: string[] = [];
    const fired = succeed("fired");
    const pending = new Deferred<string>();
    const settled = Promise.all([fired.then((v) => order.push(v)), pending.then((v) => order.push(v))]);
    const ticks = Promise.resolve()
      .then(() => order.push("tick 1"))
      .then(() => order.push("tick 2"));
    pending.callback("pending");
    void Promise.resolve().then(() => order.push("queued after pending fired"));
    await Promise.all([settled, ticks]);
    assert.deepEqual(order, ["fired", "tick 1", "pending", "queued after pending fired", "tick 2"]);
  });

  it("makes the chain wait on a promise that is its result when then() reaches it, as a callback's return would", async () => {
    const d = new Deferred<unknown>();
    d.callback(Promise.resolve("inner"));
    assert.ok((d.peek() as { result: unknown }).result instanceof Promise);
    assert.equal(await d, "inner");
    assert.deepEqual(d.peek(), { state: "succeeded", result: "inner" });
  });

  it("returns a real Promise from then() and asPromise()", async () => {
    const d = succeed("x");
    const p = d.asPromise();
    assert.ok(p instanceof Promise);
    assert.ok(d.then() instanceof Promise);
    assert.equal(await p, "x");
  });

  it("lets async functions await Deferreds in sequence (Torsion's inlineCallbacks)", async () => {
    const first = new Deferred<number>();
    const second = new Deferred<number>();
    const run = Deferred.fromCoroutine((async () => (await first) + (await second))());
    first.callback(1);
    await Promise.resolve();
    second.callback(2);
    assert.equal(await run, 3);
  });
});

describe("Deferred.fromPromise", () => {
  const reports = trackReports();

  it("fires with the promise's value on a later microtask, not at once", async () => {
    const d = Deferred.fromPromise(Promise.resolve(5));
    assert.equal(d.called, false);
    await Promise.resolve();
    await Promise.resolve();
    assert.deepEqual(d.peek(), { state: "succeeded", result: 5 });
  });

  it("errbacks with a Failure of the rejection reason", async () => {
    const error = new TypeError("rejected");
    const d = Deferred.fromPromise(Promise.reject(error));
    let seen: unknown;
    d.addErrback((f) => {
      seen = f.value;
      return null;
    });
    await d;
    assert.equal(seen, error);
  });

  it("returns a Deferred as-is", () => {
    const d = new Deferred<number>();
    assert.equal(Deferred.fromPromise(d), d);
  });

  it("errbacks with CancelledError when cancelled and ignores the promise's later outcome", async () => {
    let resolve!: (v: number) => void;
    const d = Deferred.fromPromise(new Promise<number>((r) => (resolve = r)));
    d.cancel();
    const state = d.peek();
    assert.equal(state.state, "failed");
    assert.ok((state as { failure: Failure }).failure.value instanceof CancelledError);
    d.addErrback(() => null);
    resolve(1);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(d.peek(), { state: "succeeded", result: null });
    assert.deepEqual(reports.take(), []);
  });

  it("accepts any thenable, and errbacks when its then() throws", () => {
    const thenable: PromiseLike<number> = {
      then(onFulfilled) {
        onFulfilled?.(9);
        return undefined as unknown as PromiseLike<never>;
      },
    };
    assert.deepEqual(Deferred.fromPromise(thenable).peek(), { state: "succeeded", result: 9 });
    const broken = {
      then(): never {
        throw new Error("then broke");
      },
    } as unknown as PromiseLike<number>;
    const d = Deferred.fromPromise(broken);
    assert.equal(d.peek().state, "failed");
    d.addErrback(() => null);
  });

  it("reports an outcome that arrives after someone else fired the Deferred", async () => {
    let resolve!: (v: number) => void;
    const d = Deferred.fromPromise(new Promise<number>((r) => (resolve = r)));
    d.callback(1);
    resolve(2);
    await new Promise((r) => setImmediate(r));
    const taken = reports.take();
    assert.equal(taken.length, 1);
    assert.equal(taken[0]?.failure.type.name, "AlreadyCalledError");
  });
});

describe("Deferred.fromCoroutine", () => {
  trackReports();

  it("wraps the promise of an async function call", async () => {
    const d = Deferred.fromCoroutine((async () => "done")());
    assert.ok(d instanceof Deferred);
    assert.equal(await d, "done");
  });

  it("errbacks when the async function throws", async () => {
    const d = Deferred.fromCoroutine(
      (async () => {
        throw new Error("inside");
      })(),
    );
    await assert.rejects(async () => d, /inside/);
  });

  it("returns a Deferred as-is", () => {
    const d = new Deferred<number>();
    assert.equal(Deferred.fromCoroutine(d), d);
  });

  it("throws NotACoroutineError for anything that is not a promise or Deferred", () => {
    for (const bad of [42, null, undefined, "text", () => Promise.resolve(1), { then: 1 }]) {
      assert.throws(
        () => Deferred.fromCoroutine(bad as unknown as PromiseLike<unknown>),
        (e: unknown) => e instanceof NotACoroutineError && e.code === "ERR_NOT_A_COROUTINE",
      );
    }
  });
});
