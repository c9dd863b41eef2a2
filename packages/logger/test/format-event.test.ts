import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Failure } from "@torsion/defer";
import { formatEvent, formatEventAsText, formatTime } from "@torsion/logger";

describe("formatEvent", () => {
  it("replaces each {field} by its value", () => {
    assert.equal(
      formatEvent({ format: "accepted {peer} on port {port}", fields: { peer: "127.0.0.1", port: 8000 } }),
      "accepted 127.0.0.1 on port 8000",
    );
  });

  it("turns doubled braces into literal ones", () => {
    assert.equal(formatEvent({ format: "{{literal}} and {x}}}", fields: { x: 1 } }), "{literal} and 1}");
  });

  it("marks a missing field instead of throwing", () => {
    assert.equal(formatEvent({ format: "hello {who}", fields: {} }), "hello {who:MISSING}");
  });

  it("keeps an unterminated brace as it is", () => {
    assert.equal(formatEvent({ format: "broken {field", fields: { field: 1 } }), "broken {field");
  });

  it("never throws on values whose toString throws, and shows bytes by length", () => {
    const hostile = {
      toString: () => {
        throw new Error("no");
      },
    };
    assert.equal(formatEvent({ format: "{a} {b}", fields: { a: hostile, b: Buffer.from("abc") } }), "<unprintable> <3 bytes>");
  });

  it("does not read inherited properties as fields", () => {
    assert.equal(formatEvent({ format: "{constructor}", fields: {} }), "{constructor:MISSING}");
  });
});

describe("formatEventAsText", () => {
  it("writes time, namespace and level, then the message, and indents a traceback", () => {
    const text = formatEventAsText({
      time: 0,
      level: "error",
      namespace: "app.db",
      format: "query failed: {sql}",
      fields: { sql: "SELECT 1" },
      failure: new Failure(new Error("boom")),
    });
    const [first, second] = text.split("\n");
    assert.equal(first, "1970-01-01T00:00:00.000Z [app.db#error] query failed: SELECT 1");
    assert.match(second ?? "", /^\tError: boom/);
    assert.ok(text.endsWith("\n"));
  });

  it("renders an invalid time as a dash", () => {
    assert.equal(formatTime(Number.NaN), "-");
  });
});
