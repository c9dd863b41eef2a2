import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Failure, ThrownValueError } from "@torsion/defer";

describe("Failure", () => {
  it("wraps an Error as value and keeps its class as type", () => {
    const error = new RangeError("r");
    const failure = new Failure(error);
    assert.equal(failure.value, error);
    assert.equal(failure.type, RangeError);
  });

  it("wraps a non-Error thrown value in ThrownValueError", () => {
    const failure = new Failure(42);
    assert.ok(failure.value instanceof ThrownValueError);
    assert.equal(failure.value.thrown, 42);
  });

  it("returns a Failure as-is from Failure.from and shares the value when constructed from one", () => {
    const failure = new Failure(new Error("x"));
    assert.equal(Failure.from(failure), failure);
    assert.equal(new Failure(failure).value, failure.value);
    assert.ok(Failure.from(new Error("y")) instanceof Failure);
  });

  it("checks for classes, matching subclasses, and returns null when none matches", () => {
    const failure = new Failure(new RangeError("r"));
    assert.equal(failure.check(TypeError, Error), Error);
    assert.equal(failure.check(RangeError), RangeError);
    assert.equal(failure.check(TypeError), null);
  });

  it("traps a matching class and rethrows the error itself otherwise", () => {
    const error = new RangeError("r");
    const failure = new Failure(error);
    assert.equal(failure.trap(RangeError), RangeError);
    assert.throws(
      () => failure.trap(TypeError),
      (e: unknown) => e === error,
    );
  });

  it("gives the message, a traceback with causes, a thrown value and a string form", () => {
    const failure = new Failure(new Error("outer", { cause: new Error("inner") }));
    assert.equal(failure.getErrorMessage(), "outer");
    assert.match(failure.getTraceback(), /outer[\s\S]*Caused by: Error: inner/);
    assert.throws(() => failure.raiseException(), /outer/);
    assert.equal(String(failure), "[Failure instance: Error: outer]");
  });

  it("accepts any thrown value, hostile ones included, and describes it without throwing", () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const throwingMessage = new Error("m");
    Object.defineProperty(throwingMessage, "message", {
      get: () => {
        throw new Error("getter");
      },
    });
    const throwingStack = new Error("s");
    Object.defineProperty(throwingStack, "stack", {
      get: () => {
        throw new Error("getter");
      },
    });
    Object.defineProperty(throwingStack, "cause", {
      get: () => {
        throw new Error("getter");
      },
    });
    const trappedError = new Proxy(new Error("p"), {
      get: () => {
        throw new Error("trap");
      },
    });
    const values: unknown[] = [
      Object.create(null),
      {
        toString: () => {
          throw new Error("toString");
        },
      },
      Object.defineProperty({}, "message", {
        get: () => {
          throw new Error("getter");
        },
      }),
      Symbol("s"),
      undefined,
      revocable.proxy,
      throwingMessage,
      throwingStack,
      trappedError,
      new Error("with a hostile cause", { cause: revocable.proxy }),
    ];
    for (const value of values) {
      const failure = new Failure(value);
      assert.ok(failure.value instanceof Error);
      assert.equal(typeof failure.getErrorMessage(), "string");
      assert.equal(typeof failure.getTraceback(), "string");
      assert.equal(typeof String(failure), "string");
      assert.equal(typeof failure.type, "function");
      assert.equal(failure.check(TypeError), null);
    }
    assert.equal((new Failure(revocable.proxy).value as ThrownValueError).thrown, revocable.proxy);
    assert.equal(new Failure(throwingMessage).value, throwingMessage, "an Error stays the value, however hostile");
  });
});
