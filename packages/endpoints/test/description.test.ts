import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EndpointSyntaxError, parseArguments, parseDescription, quoteStringArgument } from "@torsion/endpoints";

describe("parseDescription", () => {
  it("takes the first positional as the type and keeps the rest in order", () => {
    const d = parseDescription("tcp:80:interface=127.0.0.1:x");
    assert.deepEqual([d.type, [...d.args], { ...d.kwargs }], ["tcp", ["80", "x"], { interface: "127.0.0.1" }]);
  });

  it("keeps keyword names such as __proto__ as plain keys", () => {
    const { kwargs } = parseArguments("a:__proto__=1:constructor=2");
    assert.equal(Object.getPrototypeOf(kwargs), null);
    assert.deepEqual(Object.entries(kwargs), [
      ["__proto__", "1"],
      ["constructor", "2"],
    ]);
  });

  it("rejects a trailing backslash and non-ASCII keyword names", () => {
    assert.throws(() => parseArguments("a\\"), EndpointSyntaxError);
    assert.throws(() => parseArguments("a:é=1"), EndpointSyntaxError);
    assert.deepEqual(parseArguments("a:k=é").kwargs.k, "é");
  });
});

describe("quoteStringArgument", () => {
  it("round-trips any value through a keyword of a description", () => {
    for (const value of ["C:\\key.pem", "a=b:c", "\\\\::", "", "plain", "::1"]) {
      assert.equal(parseArguments(`x:k=${quoteStringArgument(value)}`).kwargs.k, value);
    }
  });

  it("escapes backslashes and colons only", () => {
    assert.equal(quoteStringArgument("a\\b:c=d"), "a\\\\b\\:c=d");
  });
});
