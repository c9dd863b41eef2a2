// Thenables in every place a Deferred accepts promises.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Deferred, Failure, NotACoroutineError, maybeDeferred } from "@torsion/defer";
import { trackReports } from "./helpers.js";

/** A minimal thenable that settles when told to, synchronously. */
function manualThenable<T>(): { thenable: PromiseLike<T>; resolve: (value: T) => void } {
  const handlers: ((value: T) => unknown)[] = [];
  return {
    thenable: {
      then(onFulfilled) {
        if (onFulfilled) handlers.push(onFulfilled);
        return undefined as unknown as PromiseLike<never>;
      },
    },
    resolve: (value) => handlers.forEach((h) => h(value)),
  };
}

describe("promise interop", () => {
  trackReports();

  it("suspends a chain on a returned custom thenable and resumes when it settles", () => {
    const { thenable, resolve } = manualThenable<string>();
    const d = new Deferred<number>();
    d.addCallback(() => thenable);
    d.callback(0);
    assert.deepEqual(d.peek(), { state: "pending" });
    resolve("settled");
    assert.deepEqual(d.peek(), { state: "succeeded", result: "settled" });
  });

  it("fails the chain when reading a returned object's then throws", () => {
    const hostile = Object.defineProperty({}, "then", {
      get() {
        throw new Error("then getter broke");
      },
    });
    const d = new Deferred<number>();
    d.addCallback(() => hostile);
    d.callback(0);
    const state = d.peek();
    assert.equal(state.state, "failed");
    assert.equal((state as { failure: Failure }).failure.getErrorMessage(), "then getter broke");
    d.addErrback(() => null);
  });

  it("treats a function with a then method as a thenable in maybeDeferred", () => {
    const { thenable, resolve } = manualThenable<number>();
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the fake `then` ignores `this`
    const callable = Object.assign(() => 0, { then: thenable.then });
    const d = maybeDeferred(() => callable as unknown as PromiseLike<number>);
    assert.equal(d.called, false);
    resolve(8);
    assert.deepEqual(d.peek(), { state: "succeeded", result: 8 });
  });

  it("names the bad value in NotACoroutineError messages", () => {
    const messageFor = (value: unknown): string => {
      try {
        Deferred.fromCoroutine(value as PromiseLike<unknown>);
      } catch (e) {
        assert.ok(e instanceof NotACoroutineError);
        return e.message;
      }
      return assert.fail("must throw");
    };
    assert.match(messageFor("text"), /^"text" is not a promise/);
    assert.match(
      messageFor(async () => 1),
      /^a function is not a promise/,
    );
    assert.match(messageFor({}), /^\[object Object\] is not a promise/);
    assert.match(messageFor(undefined), /^undefined is not a promise/);
  });
});
