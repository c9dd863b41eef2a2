import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Failure } from "@torsion/defer";
import { eventAsJSON, eventFromJSON, type LogEvent } from "@torsion/logger";

describe("eventAsJSON", () => {
  it("writes one line of JSON with the fields and the formatted text", () => {
    const line = eventAsJSON({ time: 12.5, level: "info", namespace: "app", format: "hi {name}", fields: { name: "ada" } });
    assert.ok(!line.includes("\n"));
    assert.deepEqual(JSON.parse(line), {
      time: 12.5,
      level: "info",
      namespace: "app",
      format: "hi {name}",
      fields: { name: "ada" },
      text: "hi ada",
    });
  });

  it("makes bigints, bytes, errors, non-finite numbers and cycles JSON-safe", () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const line = eventAsJSON({
      time: 0,
      level: "debug",
      namespace: "x",
      format: "",
      fields: { big: 2n ** 70n, bytes: Buffer.from("hi"), err: new RangeError("r"), inf: Infinity, cycle, fn: () => 1 },
    });
    const fields = (JSON.parse(line) as { fields: Record<string, unknown> }).fields;
    assert.equal(fields.big, "1180591620717411303424");
    assert.deepEqual(fields.bytes, { base64: "aGk=" });
    assert.deepEqual(fields.err, { name: "RangeError", message: "r" });
    assert.equal(fields.inf, "Infinity");
    assert.deepEqual(fields.cycle, { a: 1, self: "[Circular]" });
    assert.equal(fields.fn, null);
  });

  it("records a failure's type, message and traceback, and reads it back", () => {
    const event: LogEvent = {
      time: 1,
      level: "critical",
      namespace: "app",
      format: "oops",
      fields: {},
      failure: new Failure(new TypeError("bad")),
    };
    const back = eventFromJSON(eventAsJSON(event));
    assert.equal(back.level, "critical");
    assert.equal(back.failure?.value.name, "TypeError");
    assert.equal(back.failure?.getErrorMessage(), "bad");
    assert.match(back.failure?.value.stack ?? "", /TypeError: bad/);
  });

  it("refuses to read back a line that is not an event", () => {
    assert.throws(() => eventFromJSON('{"time":"x"}'), SyntaxError);
    assert.throws(() => eventFromJSON("not json"), SyntaxError);
  });
});
