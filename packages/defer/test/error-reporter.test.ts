import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ErrorReporter, Failure, defaultErrorReporter, getErrorReporter, reportError, setErrorReporter } from "@torsion/defer";

describe("error reporter", () => {
  it("installs a reporter, returns the previous one, and reports a Failure with its context", () => {
    const seen: [Failure, string][] = [];
    const mine: ErrorReporter = (failure, context) => seen.push([failure, context]);
    const previous = setErrorReporter(mine);
    try {
      assert.equal(getErrorReporter(), mine);
      const error = new Error("reported");
      reportError(error, "somewhere");
      assert.equal(seen.length, 1);
      assert.ok(seen[0]?.[0] instanceof Failure);
      assert.equal(seen[0]?.[0].value, error);
      assert.equal(seen[0]?.[1], "somewhere");
    } finally {
      assert.equal(setErrorReporter(previous), mine);
    }
  });

  it("falls back to the default reporter when the installed one throws, without throwing", () => {
    const original = console.error;
    const printed: unknown[] = [];
    console.error = (...args: unknown[]) => printed.push(args.join(" "));
    const previous = setErrorReporter(() => {
      throw new Error("reporter broke");
    });
    try {
      assert.doesNotThrow(() => reportError(new Error("original"), "ctx"));
    } finally {
      setErrorReporter(previous);
      console.error = original;
    }
    assert.equal(printed.length, 2);
    assert.match(String(printed[0]), /^ctx:\n.*original/);
    assert.match(String(printed[1]), /error in the installed error reporter[\s\S]*reporter broke/);
  });

  it("prints the context and traceback on stderr by default", () => {
    const original = console.error;
    const printed: unknown[] = [];
    console.error = (...args: unknown[]) => printed.push(args.join(" "));
    try {
      defaultErrorReporter(new Failure(new Error("shown")), "Unhandled error in Deferred");
    } finally {
      console.error = original;
    }
    assert.match(String(printed[0]), /^Unhandled error in Deferred:\nError: shown/);
  });
});
